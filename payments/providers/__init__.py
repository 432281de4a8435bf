"""Payment providers behind one interface (base.PaymentProvider); the sandbox is built in."""
