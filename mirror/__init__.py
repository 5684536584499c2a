"""An offline, faithful mirror of the standards portals, and the ground truth the product must reach.

- `mirror.corpus` — the seeded corpus (organisations with evidence scenarios, std.samr standards);
- `mirror.registries` — the rest of the corpus: local (dbba), hbba, group (ttbz), enterprise
  (qybz) standards, technical committees, openstd status conflicts, the plan page;
- `mirror.render` — std.samr list rows and detail pages;
- `mirror.sites` — one app per portal (samr, openstd, hbba, dbba, ttbz, qybz, suzhou_gov);
- `mirror.web` — requests, responses and the loopback server every site runs on;
- `mirror.server` — `MirrorServer`, the std.samr site (the first mirror's API, unchanged);
- `mirror.cluster` — `MirrorCluster`, every site at once, each on its own port;
- `mirror.truth` — `write_corpus`: the organisation register import and `ground_truth.json`;
- `python -m mirror generate|serve` — the command line.

The mirror imports nothing from the product (`flows`, `extract`, `transform`,
`warehouse`): it is an independent oracle, and its truth comes from how it built
the corpus.
"""
