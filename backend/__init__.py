"""Server-side infrastructure: the dataset store, background jobs and the map worker. No Dash layout here."""
