"""Messages: the outbox of e-mail the registry sends, stored in the transaction of the change
that causes it and sent by a job on the queue over SMTP, with every attempt's outcome."""
