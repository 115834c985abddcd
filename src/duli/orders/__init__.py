"""Orders: placement, states, timeline, fulfilment, returns, invoices."""
