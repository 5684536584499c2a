"""An offline, faithful mirror of the standards portals, and the ground truth the product must reach.

- `mirror.corpus` — the seeded corpus (organisations with evidence scenarios, standards);
- `mirror.render` — list rows and detail pages as std.samr.gov.cn prints them;
- `mirror.server` — `MirrorServer`, the loopback HTTP server answering the portal's paths;
- `mirror.truth` — `write_corpus`: the organisation register import and `ground_truth.json`;
- `python -m mirror generate|serve` — the command line.

The mirror imports nothing from the product (`flows`, `extract`, `transform`,
`warehouse`): it is an independent oracle, and its truth comes from how it built
the corpus.
"""
