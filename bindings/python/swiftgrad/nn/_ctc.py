"""torch.nn.CTCLoss: the connectionist temporal classification loss as a module, over
torch.nn.functional.ctc_loss (Sources/SwiftGrad/Ops/CTCLoss.swift)."""
from __future__ import annotations

from . import functional as F
from ._loss import _Loss

__all__ = ["CTCLoss"]


class CTCLoss(_Loss):
    """The CTC loss of log-probabilities [T, N, C] (or [T, C]) against target sequences, with
    the blank label `blank`; `zero_infinity` zeroes infinite losses (targets no alignment of
    their input can produce) and their gradients. Printed as PyTorch prints it: `CTCLoss()`."""

    __constants__ = ["blank", "reduction"]

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
