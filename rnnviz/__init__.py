"""rnnviz: an interactive walk through the RNN and BPTT of the beginner tutorial."""
