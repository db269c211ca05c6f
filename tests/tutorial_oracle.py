# ruff: noqa: B007, B905  (the tutorial's code as written: unused loop variables, plain zip)
"""The tutorial's own code, transcribed with its indentation restored: the oracle for rnnviz.core.

Only two changes from the tutorial's text: randomness is injected (the caller sets the weights,
instead of `np.random.randn`), and the scalar walkthrough is wrapped in functions. Everything
else, including `train_step`'s clipping and update order, is the tutorial's code as written.
"""

import numpy as np


def tutorial_temps(noise):
    """The tutorial's series, with its `np.random.normal(0, 0.5)` draws given as `noise`."""
    temps = []
    temps.append(20)  # seed day 0
    temps.append(21)  # seed day 1
    for t in range(2, 100):
        next_temp = 0.7 * temps[-1] + 0.2 * temps[-2] + noise[t - 2]
        temps.append(next_temp)
    return temps


def make_dataset(temps, seq_len=5):
    X = []
    y = []
    for i in range(len(temps) - seq_len):
        X.append(temps[i : i + seq_len])
        y.append(temps[i + seq_len])
    return np.array(X), np.array(y)


def scalar_walkthrough(input_sq, target, W_xh, W_hh, b_h, W_hy, b_y):
    """The scalar RNN's forward pass, loss and BPTT, as in the tutorial; returns its numbers."""
    # Forward pass with storage for BPTT
    hs = [0.0]  # h_0
    raws = []  # a_t
    h = 0.0
    for x in input_sq:
        a = W_xh * x + W_hh * h + b_h
        h = np.tanh(a)
        raws.append(a)
        hs.append(h)
    y_pred = W_hy * h + b_y
    loss = (y_pred - target) ** 2
    dL_dy = 2 * (y_pred - target)
    dW_hy = dL_dy * hs[-1]
    db_y = dL_dy
    dh_next = dL_dy * W_hy
    dW_xh = 0.0
    dW_hh = 0.0
    db_h = 0.0
    for t in reversed(range(len(input_sq))):
        a_t = raws[t]
        h_prev = hs[t]
        x_t = input_sq[t]
        da = (1 - np.tanh(a_t) ** 2) * dh_next
        dW_xh += da * x_t
        dW_hh += da * h_prev
        db_h += da
        dh_next = da * W_hh
    return {
        "hs": hs,
        "raws": raws,
        "y_pred": y_pred,
        "loss": loss,
        "dW_xh": dW_xh,
        "dW_hh": dW_hh,
        "db_h": db_h,
        "dW_hy": dW_hy,
        "db_y": db_y,
    }


class RNNCell:
    def __init__(self, input_size, hidden_size):
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.W_xh = np.zeros((hidden_size, input_size))  # set by the caller
        self.W_hh = np.zeros((hidden_size, hidden_size))
        self.b_h = np.zeros(hidden_size)

    def forward(self, x_t, h_prev):
        raw = self.W_xh @ x_t + self.W_hh @ h_prev + self.b_h
        h_t = np.tanh(raw)
        return h_t, raw


class RNNPredictor:
    def __init__(self, input_size, hidden_size):
        self.cell = RNNCell(input_size, hidden_size)
        self.W_hy = np.zeros((1, hidden_size))  # set by the caller
        self.b_y = 0.0

    def forward_sequence(self, sequence):
        h = np.zeros(self.cell.hidden_size)
        hs = [h]  # store hidden states
        raws = []  # store raw pre-activations
        for x in sequence:
            x_t = np.array([x])
            h, raw = self.cell.forward(x_t, h)
            hs.append(h)
            raws.append(raw)
        y_pred = self.W_hy @ h + self.b_y
        return y_pred, hs, raws

    def train_step(self, sequence, target, lr=0.0001):
        y_pred, hs, raws = self.forward_sequence(sequence)
        # ----- Loss -----
        loss = (y_pred - target) ** 2
        # ----- Gradients -----
        dL_dy = 2 * (y_pred - target)  # scalar
        # Output layer grads
        dW_hy = dL_dy * hs[-1].reshape(1, -1)
        db_y = dL_dy
        # Backprop into last hidden state
        dh_next = (self.W_hy.T * dL_dy).flatten()
        # Initialize grads for RNN cell
        dW_xh = np.zeros_like(self.cell.W_xh)
        dW_hh = np.zeros_like(self.cell.W_hh)
        db_h = np.zeros_like(self.cell.b_h)
        # ----- BPTT -----
        for t in reversed(range(len(sequence))):
            raw = raws[t]
            h_prev = hs[t]
            dtanh = (1 - np.tanh(raw) ** 2) * dh_next
            x_t = np.array([sequence[t]])
            dW_xh += dtanh.reshape(-1, 1) @ x_t.reshape(1, -1)
            dW_hh += dtanh.reshape(-1, 1) @ h_prev.reshape(1, -1)
            db_h += dtanh
            dh_next = self.cell.W_hh.T @ dtanh
        # ----- Gradient Clipping -----
        clip_value = 1.0
        dW_xh = np.clip(dW_xh, -clip_value, clip_value)
        dW_hh = np.clip(dW_hh, -clip_value, clip_value)
        db_h = np.clip(db_h, -clip_value, clip_value)
        dW_hy = np.clip(dW_hy, -clip_value, clip_value)
        db_y = np.clip(db_y, -clip_value, clip_value)
        # ----- Update weights -----
        self.W_hy -= lr * dW_hy
        self.b_y -= lr * db_y
        self.cell.W_xh -= lr * dW_xh
        self.cell.W_hh -= lr * dW_hh
        self.cell.b_h -= lr * db_h
        return loss, y_pred


def predictor_from(params):
    """An RNNPredictor holding copies of rnnviz parameters (the tutorial's b_y is a float)."""
    hidden = params["W_hh"].shape[0]
    model = RNNPredictor(input_size=1, hidden_size=hidden)
    model.cell.W_xh = params["W_xh"].copy()
    model.cell.W_hh = params["W_hh"].copy()
    model.cell.b_h = params["b_h"].copy()
    model.W_hy = params["W_hy"].copy()
    model.b_y = float(params["b_y"][0])
    return model


def predictor_params(model):
    """The predictor's weights in rnnviz's names and shapes."""
    return {
        "W_xh": model.cell.W_xh,
        "W_hh": model.cell.W_hh,
        "b_h": model.cell.b_h,
        "W_hy": model.W_hy,
        "b_y": np.atleast_1d(model.b_y).astype(float),
    }


def tutorial_train(model, X, y, epochs):
    """The tutorial's training loop; returns the per-epoch total_loss."""
    totals = []
    for epoch in range(epochs):
        total_loss = 0
        for seq, target in zip(X, y):
            loss, pred = model.train_step(seq, target)
            total_loss += loss
        totals.append(float(np.asarray(total_loss).ravel()[0]))
    return totals
