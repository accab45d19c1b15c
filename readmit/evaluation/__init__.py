"""Measuring the system against hand-made references, one module per component:

- `search`: search quality on a graded query set (nDCG, precision, recall, MRR);
- `slots`: slot assignment against hand labels (per-slot precision, recall, F1);
- `time_limits`: time-limit extraction against hand labels.
"""
