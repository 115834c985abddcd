"""Tax: classes, rates per country and region, net/gross arithmetic."""
