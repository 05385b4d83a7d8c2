"""The base class of exponential families (torch.distributions.ExponentialFamily), whose
entropy follows from the log normalizer by automatic differentiation."""
from . import _torch as torch
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    r"""Distributions with densities p_F(x; theta) = exp(<t(x), theta> - F(theta) + k(x)):
    theta the natural parameters, t(x) the sufficient statistic, F the log normalizer and k the
    carrier measure. The entropy is computed as a Bregman divergence of F (Nielsen and Nock,
    Entropies and Cross-entropies of Exponential Families), with autograd."""

    @property
    def _natural_params(self):
        """The natural parameters, a tuple of tensors."""
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        """The log normalizer F at the given natural parameters."""
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        """The expected carrier measure E[k(x)], which the entropy needs."""
        raise NotImplementedError

    def entropy(self):
        """The entropy, F(theta) - <theta, grad F(theta)> - E[k(x)]."""
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = torch.grad(lg_normal.sum(), nparams, create_graph=True)
        result += lg_normal
        for np, g in zip(nparams, gradients):
            result -= (np * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
