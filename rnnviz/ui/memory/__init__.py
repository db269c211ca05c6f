"""Page 5's glue ("Longer memory: why gates"), one responsibility a module:

controls.py   the settings widgets, and the three cells' requests they describe
compute.py    the page's cached computations on a cell's latest parameters
live.py       Train / Stop for the three cells, and the fragment that polls them: status, loss
              curves, held-out error and the gradient per timestep, redrawn while they train
inside.py     one window inside the LSTM and the GRU: their gates, cell state and hidden state
take_home.py  the same model in PyTorch: the code, and the weights as .npz
"""
