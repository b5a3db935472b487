"""KPIs: reporting periods, retention (GRR, NRR, logo, expansion), health KPIs, benchmarks, the executive summary."""
