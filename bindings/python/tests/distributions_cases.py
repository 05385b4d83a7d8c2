"""torch.distributions cases, written as ordinary PyTorch code against a `torch` module passed
in: scripts/distributions_reference.py runs them under real PyTorch and stores the results in
tests/data/distributions_reference.json; test_distributions.py runs them on swiftgrad and
compares. Every case is deterministic (no sampling): values of log_prob, cdf, icdf, entropy,
moments, supports, KL divergences, gradients of log densities, shapes, reprs and the messages
of PyTorch's argument validation.

A case returns a dict of results: tensors, Python numbers, strings, or lists of these."""


def _error(function):
    """The exception a call raises, as 'TypeName: message' (None when it returns)."""
    try:
        function()
    except Exception as error:  # noqa: BLE001 - the message is the result
        return f"{type(error).__name__}: {error}"
    return None


def _grads(torch, output, params):
    return list(torch.autograd.grad(output.sum(), params))


def _describe(d, value=None, cdf=None, icdf=None, properties=("mean", "variance", "stddev", "mode", "entropy")):
    """The quantities of a distribution PyTorch defines for it."""
    out = {"batch_shape": list(d.batch_shape), "event_shape": list(d.event_shape), "repr": repr(d)}
    for name in properties:
        out[name] = d.entropy() if name == "entropy" else getattr(d, name)
    if value is not None:
        out["log_prob"] = d.log_prob(value)
    if cdf is not None:
        out["cdf"] = d.cdf(cdf)
    if icdf is not None:
        out["icdf"] = d.icdf(icdf)
    return out


def _f64(torch, values):
    return torch.tensor(values, dtype=torch.float64)


def _p(torch, values):
    """A float64 parameter that requires grad."""
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


def normal(torch):
    D = torch.distributions
    loc, scale = _p(torch, [0.0, 1.5, -2.0]), _p(torch, [1.0, 0.5, 3.0])
    d = D.Normal(loc, scale)
    x = _f64(torch, [0.3, -1.0, 2.5])
    out = _describe(d, x, cdf=x, icdf=_f64(torch, [0.1, 0.5, 0.975]))
    out["perplexity"] = d.perplexity()
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [loc, scale])
    out["grad_entropy"] = _grads(torch, d.entropy(), [scale])
    out["bregman_entropy"] = D.ExponentialFamily.entropy(d)
    return out


def normal_float32_numbers(torch):
    D = torch.distributions
    d = D.Normal(0.0, 2.0)
    x = torch.tensor([[0.5, -1.0], [3.0, 0.0]])
    out = _describe(d, x, cdf=x, icdf=torch.tensor([0.25, 0.75]))
    out["support"] = repr(d.support)
    out["arg_constraints"] = repr(d.arg_constraints)
    out["has_rsample"] = d.has_rsample
    return out


def uniform(torch):
    D = torch.distributions
    low, high = _p(torch, [0.0, -1.0]), _p(torch, [1.0, 3.0])
    d = D.Uniform(low, high)
    x = _f64(torch, [0.25, 2.0])
    out = _describe(d, x, cdf=_f64(torch, [0.5, -0.5]), icdf=_f64(torch, [0.1, 0.9]))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [low, high])
    out["support"] = repr(d.support)
    unchecked = D.Uniform(low, high, validate_args=False)
    out["outside"] = unchecked.log_prob(_f64(torch, [1.5, -2.0]))
    out["outside_cdf"] = unchecked.cdf(_f64(torch, [1.5, -2.0]))
    return out


def bernoulli(torch):
    D = torch.distributions
    probs = _p(torch, [0.2, 0.5, 0.9])
    d = D.Bernoulli(probs)
    x = _f64(torch, [0.0, 1.0, 1.0])
    out = _describe(d, x, properties=("mean", "variance", "stddev", "mode", "entropy"))
    out["logits"] = d.logits
    out["enumerate_support"] = d.enumerate_support()
    out["enumerate_support_unexpanded"] = d.enumerate_support(expand=False)
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [probs])
    out["bregman_entropy"] = D.ExponentialFamily.entropy(d)
    return out


def bernoulli_logits(torch):
    D = torch.distributions
    logits = _p(torch, [-2.0, 0.0, 3.0])
    d = D.Bernoulli(logits=logits)
    x = _f64(torch, [1.0, 0.0, 1.0])
    out = _describe(d, x)
    out["probs"] = d.probs
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [logits])
    out["scalar_repr"] = repr(D.Bernoulli(0.3))
    return out


def categorical(torch):
    D = torch.distributions
    probs = _p(torch, [[1.0, 2.0, 7.0], [5.0, 2.5, 2.5]])
    d = D.Categorical(probs)
    x = torch.tensor([2, 0])
    out = _describe(d, x)
    out["probs"] = d.probs
    out["logits"] = d.logits
    out["enumerate_support"] = d.enumerate_support()
    out["enumerate_support_unexpanded"] = d.enumerate_support(expand=False)
    out["support"] = repr(d.support)
    out["log_prob_broadcast"] = d.log_prob(torch.tensor([[0], [1], [2]]))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [probs])
    return out


def categorical_logits(torch):
    D = torch.distributions
    logits = _p(torch, [0.5, -1.0, 2.0, 0.0])
    d = D.Categorical(logits=logits)
    out = _describe(d, torch.tensor(3))
    out["probs"] = d.probs
    out["logits"] = d.logits
    out["grad_entropy"] = _grads(torch, d.entropy(), [logits])
    out["zero_probability_entropy"] = D.Categorical(_f64(torch, [0.0, 0.5, 0.5])).entropy()
    return out


def one_hot_categorical(torch):
    D = torch.distributions
    probs = _p(torch, [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    d = D.OneHotCategorical(probs)
    x = _f64(torch, [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    out = _describe(d, x, properties=("mean", "variance", "mode", "entropy"))
    out["enumerate_support"] = d.enumerate_support()
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [probs])
    out["support"] = repr(d.support)
    return out


def multinomial(torch):
    D = torch.distributions
    probs = _p(torch, [0.2, 0.3, 0.5])
    d = D.Multinomial(10, probs)
    x = _f64(torch, [2.0, 3.0, 5.0])
    out = _describe(d, x, properties=("mean", "variance", "entropy"))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [probs])
    out["support"] = repr(d.support)
    zero = D.Multinomial(10, _f64(torch, [0.0, 0.5, 0.5]))
    out["zero_probability_log_prob"] = zero.log_prob(_f64(torch, [[0.0, 4.0, 6.0], [1.0, 4.0, 5.0]]))
    out["batched_log_prob"] = D.Multinomial(4, logits=_f64(torch, [[0.0, 1.0], [2.0, -1.0]])).log_prob(
        _f64(torch, [[1.0, 3.0], [4.0, 0.0]]))
    return out


def binomial(torch):
    D = torch.distributions
    probs = _p(torch, [0.3, 0.9, 0.5])
    d = D.Binomial(torch.tensor([6.0, 6.0, 6.0], dtype=torch.float64), probs)
    x = _f64(torch, [2.0, 6.0, 0.0])
    out = _describe(d, x)
    out["enumerate_support"] = d.enumerate_support()
    out["support"] = repr(d.support)
    out["logits"] = d.logits
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [probs])
    logits = _p(torch, [-1.0, 2.0])
    e = D.Binomial(total_count=torch.tensor([10.0, 4.0], dtype=torch.float64), logits=logits)
    y = _f64(torch, [3.0, 4.0])
    out["logits_log_prob"] = e.log_prob(y)
    out["logits_mean"] = e.mean
    out["logits_mode"] = e.mode
    out["logits_grad"] = _grads(torch, e.log_prob(y), [logits])
    return out


def poisson(torch):
    D = torch.distributions
    rate = _p(torch, [0.5, 4.0, 10.0])
    d = D.Poisson(rate)
    x = _f64(torch, [0.0, 3.0, 12.0])
    out = _describe(d, x, properties=("mean", "variance", "stddev", "mode"))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [rate])
    out["support"] = repr(d.support)
    out["entropy_error"] = _error(lambda: d.entropy())
    return out


def exponential(torch):
    D = torch.distributions
    rate = _p(torch, [0.5, 2.0])
    d = D.Exponential(rate)
    x = _f64(torch, [0.7, 3.0])
    out = _describe(d, x, cdf=x, icdf=_f64(torch, [0.2, 0.99]))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [rate])
    out["bregman_entropy"] = D.ExponentialFamily.entropy(d)
    return out


def laplace(torch):
    D = torch.distributions
    loc, scale = _p(torch, [0.0, 2.0]), _p(torch, [1.0, 0.5])
    d = D.Laplace(loc, scale)
    x = _f64(torch, [-1.0, 2.25])
    out = _describe(d, x, cdf=x, icdf=_f64(torch, [0.3, 0.8]))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [loc, scale])
    return out


def gamma(torch):
    D = torch.distributions
    concentration, rate = _p(torch, [0.5, 2.0, 7.0]), _p(torch, [1.0, 0.5, 3.0])
    d = D.Gamma(concentration, rate)
    x = _f64(torch, [0.3, 2.0, 1.5])
    out = _describe(d, x, cdf=x)
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [concentration, rate])
    out["grad_entropy"] = _grads(torch, d.entropy(), [concentration, rate])
    out["bregman_entropy"] = D.ExponentialFamily.entropy(d)
    out["log_prob_number"] = D.Gamma(2.0, 1.0).log_prob(1.5)
    return out


def chi2(torch):
    D = torch.distributions
    df = _p(torch, [1.0, 4.0])
    d = D.Chi2(df)
    x = _f64(torch, [0.5, 3.0])
    out = _describe(d, x, cdf=x)
    out["df"] = d.df
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [df])
    return out


def beta(torch):
    D = torch.distributions
    c1, c0 = _p(torch, [0.5, 2.0, 3.0]), _p(torch, [0.5, 3.0, 1.5])
    d = D.Beta(c1, c0)
    x = _f64(torch, [0.3, 0.8, 0.5])
    out = _describe(d, x)
    out["concentration1"] = d.concentration1
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [c1, c0])
    out["numbers_repr"] = repr(D.Beta(2.0, 3.0))
    out["numbers_mean"] = D.Beta(2.0, 3.0).mean
    return out


def dirichlet(torch):
    D = torch.distributions
    concentration = _p(torch, [[1.0, 2.0, 3.0], [0.5, 0.5, 4.0], [0.5, 0.3, 0.9]])
    d = D.Dirichlet(concentration)
    x = _f64(torch, [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
    out = _describe(d, x, properties=("mean", "variance", "mode", "entropy"))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [concentration])
    out["grad_entropy"] = _grads(torch, d.entropy(), [concentration])
    out["support"] = repr(d.support)
    out["arg_constraints"] = repr(d.arg_constraints)
    return out


def log_normal(torch):
    D = torch.distributions
    loc, scale = _p(torch, [0.0, 1.0]), _p(torch, [1.0, 0.25])
    d = D.LogNormal(loc, scale)
    x = _f64(torch, [0.5, 3.0])
    out = _describe(d, x, cdf=x, icdf=_f64(torch, [0.5, 0.9]))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [loc, scale])
    out["support"] = repr(d.support)
    return out


def geometric(torch):
    D = torch.distributions
    probs = _p(torch, [0.2, 0.7, 1.0])
    d = D.Geometric(probs)
    x = _f64(torch, [0.0, 3.0, 0.0])
    out = _describe(d, x)
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [probs])
    out["logits_log_prob"] = D.Geometric(logits=_f64(torch, [-1.0, 0.5])).log_prob(_f64(torch, [2.0, 1.0]))
    return out


def cauchy(torch):
    D = torch.distributions
    loc, scale = _p(torch, [0.0, -1.0]), _p(torch, [1.0, 2.5])
    d = D.Cauchy(loc, scale)
    x = _f64(torch, [0.5, 4.0])
    out = _describe(d, x, cdf=x, icdf=_f64(torch, [0.25, 0.6]), properties=("mean", "variance", "mode", "entropy"))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [loc, scale])
    return out


def student_t(torch):
    D = torch.distributions
    df = _p(torch, [0.8, 1.5, 5.0])
    loc, scale = _p(torch, [0.0, 1.0, -2.0]), _p(torch, [1.0, 2.0, 0.5])
    d = D.StudentT(df, loc, scale)
    x = _f64(torch, [0.5, -1.0, -2.0])
    out = _describe(d, x, properties=("mean", "variance", "mode", "entropy"))
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [df, loc, scale])
    out["numbers_repr"] = repr(D.StudentT(3.0))
    return out


def independent(torch):
    D = torch.distributions
    base = D.Normal(_f64(torch, [[0.0, 1.0], [2.0, 3.0]]), _f64(torch, [[1.0, 2.0], [0.5, 1.5]]))
    d = D.Independent(base, 1)
    x = _f64(torch, [[0.5, 0.5], [1.0, 4.0]])
    out = _describe(d, x, properties=("mean", "variance", "mode", "entropy"))
    out["support"] = repr(d.support)
    out["has_rsample"] = d.has_rsample
    both = D.Independent(base, 2)
    out["both_batch_shape"] = list(both.batch_shape)
    out["both_log_prob"] = both.log_prob(x)
    out["too_many"] = _error(lambda: D.Independent(base, 3))
    return out


def transformed(torch):
    D = torch.distributions
    T = D.transforms
    base = D.Normal(_f64(torch, [0.0, 1.0]), _f64(torch, [1.0, 0.5]))
    d = D.TransformedDistribution(base, [T.AffineTransform(1.0, 2.0), T.ExpTransform()])
    x = _f64(torch, [2.0, 10.0])
    out = {"log_prob": d.log_prob(x), "cdf": d.cdf(x), "icdf": d.icdf(_f64(torch, [0.3, 0.7])),
           "batch_shape": list(d.batch_shape), "event_shape": list(d.event_shape), "support": repr(d.support)}
    logistic = D.TransformedDistribution(
        D.Uniform(_f64(torch, 0.0), _f64(torch, 1.0)), [T.SigmoidTransform().inv, T.AffineTransform(0.5, 2.0)])
    y = _f64(torch, [-1.0, 0.5, 3.0])
    out["logistic_log_prob"] = logistic.log_prob(y)
    out["logistic_cdf"] = logistic.cdf(y)
    negative = D.TransformedDistribution(base, [T.AffineTransform(0.0, -1.0)])
    out["decreasing_cdf"] = negative.cdf(_f64(torch, [0.5, -1.0]))
    out["decreasing_icdf"] = negative.icdf(_f64(torch, [0.2, 0.6]))
    independent = D.TransformedDistribution(base, [T.AffineTransform(_f64(torch, [1.0, 2.0]), 3.0, event_dim=1)])
    out["event_dim_log_prob"] = independent.log_prob(_f64(torch, [[1.0, 2.0], [0.0, 5.0]]))
    out["event_dim_event_shape"] = list(independent.event_shape)
    z = _f64(torch, [-0.5, 0.25, 2.0])
    for name, t in [("sigmoid", T.SigmoidTransform()), ("softplus", T.SoftplusTransform()),
                    ("tanh", T.TanhTransform()), ("exp", T.ExpTransform()), ("power", T.PowerTransform(2.0))]:
        arg = z.abs() if name == "power" else z
        y_ = t(arg)
        out[f"{name}_forward"] = y_
        out[f"{name}_inverse"] = t.inv(y_)
        out[f"{name}_log_abs_det_jacobian"] = t.log_abs_det_jacobian(arg, y_)
    out["compose_repr"] = repr(T.ComposeTransform([T.ExpTransform(), T.AffineTransform(1.0, 2.0)]))
    out["inverse_repr"] = repr(T.ExpTransform().inv)
    return out


def expand(torch):
    D = torch.distributions
    out = {}
    for name, d in [
        ("normal", D.Normal(_f64(torch, [0.0, 1.0]), 1.0)),
        ("categorical", D.Categorical(_f64(torch, [0.2, 0.8]))),
        ("multinomial", D.Multinomial(3, _f64(torch, [0.2, 0.8]))),
        ("gamma", D.Gamma(_f64(torch, [2.0, 3.0]), 1.0)),
        ("beta", D.Beta(_f64(torch, [2.0, 3.0]), 1.0)),
        ("log_normal", D.LogNormal(_f64(torch, [0.0, 1.0]), 1.0)),
        ("independent", D.Independent(D.Normal(_f64(torch, [0.0, 1.0]), 1.0), 1)),
        ("bernoulli_logits", D.Bernoulli(logits=_f64(torch, [0.0, 1.0]))),
    ]:
        shape = [3, 2] if name not in ("categorical", "multinomial", "independent") else [3]
        e = d.expand(shape)
        out[f"{name}_batch_shape"] = list(e.batch_shape)
        out[f"{name}_event_shape"] = list(e.event_shape)
        out[f"{name}_mean"] = e.mean
        out[f"{name}_type"] = type(e).__name__
    out["categorical_log_prob"] = D.Categorical(_f64(torch, [0.2, 0.8])).expand([3]).log_prob(torch.tensor([0, 1, 1]))
    return out


def kl(torch):
    D = torch.distributions
    f = lambda *v: _f64(torch, list(v))  # noqa: E731
    pairs = {
        "bernoulli_bernoulli": (D.Bernoulli(f(0.3, 0.0, 1.0, 0.5)), D.Bernoulli(f(0.6, 0.2, 0.7, 0.0))),
        "beta_beta": (D.Beta(f(2.0, 0.5), f(3.0, 0.7)), D.Beta(f(1.0, 2.0), f(1.5, 0.3))),
        "binomial_binomial": (D.Binomial(f(10.0, 12.0), f(0.3, 0.6)), D.Binomial(f(10.0, 10.0), f(0.5, 0.2))),
        "categorical_categorical": (D.Categorical(f(0.2, 0.3, 0.5)), D.Categorical(f(0.4, 0.4, 0.2))),
        "categorical_zero": (D.Categorical(f(0.0, 0.5, 0.5)), D.Categorical(f(0.5, 0.5, 0.0))),
        "dirichlet_dirichlet": (D.Dirichlet(f(1.0, 2.0, 3.0)), D.Dirichlet(f(0.5, 0.5, 4.0))),
        "exponential_exponential": (D.Exponential(f(0.5, 2.0)), D.Exponential(f(1.5, 0.25))),
        "gamma_gamma": (D.Gamma(f(2.0, 0.5), f(1.0, 3.0)), D.Gamma(f(3.0, 1.5), f(0.5, 2.0))),
        "geometric_geometric": (D.Geometric(f(0.2, 0.7)), D.Geometric(f(0.5, 0.1))),
        "laplace_laplace": (D.Laplace(f(0.0, 1.0), f(1.0, 2.0)), D.Laplace(f(0.5, -1.0), f(2.0, 0.5))),
        "normal_normal": (D.Normal(f(0.0, 1.0), f(1.0, 2.0)), D.Normal(f(0.5, -1.0), f(2.0, 0.5))),
        "one_hot_one_hot": (D.OneHotCategorical(f(0.2, 0.3, 0.5)), D.OneHotCategorical(f(0.4, 0.4, 0.2))),
        "poisson_poisson": (D.Poisson(f(0.5, 4.0)), D.Poisson(f(2.0, 3.0))),
        "transformed": (D.LogNormal(f(0.0, 1.0), f(1.0, 2.0)), D.LogNormal(f(0.5, 0.0), f(0.5, 1.0))),
        "uniform_uniform": (D.Uniform(f(0.0, -1.0), f(1.0, 1.0)), D.Uniform(f(-1.0, 0.0), f(2.0, 3.0))),
        "bernoulli_poisson": (D.Bernoulli(f(0.3, 0.8)), D.Poisson(f(0.5, 2.0))),
        "beta_exponential": (D.Beta(f(2.0, 0.5), f(3.0, 0.7)), D.Exponential(f(1.0, 2.0))),
        "beta_gamma": (D.Beta(f(2.0, 0.5), f(3.0, 0.7)), D.Gamma(f(2.0, 1.5), f(1.0, 3.0))),
        "beta_normal": (D.Beta(f(2.0, 0.5), f(3.0, 0.7)), D.Normal(f(0.5, 0.0), f(1.0, 2.0))),
        "beta_uniform": (D.Beta(f(2.0, 0.5), f(3.0, 0.7)), D.Uniform(f(0.0, 0.5), f(1.0, 1.0))),
        "exponential_beta": (D.Exponential(f(1.0)), D.Beta(f(2.0), f(3.0))),
        "exponential_uniform": (D.Exponential(f(1.0)), D.Uniform(f(0.0), f(1.0))),
        "exponential_gamma": (D.Exponential(f(0.5, 2.0)), D.Gamma(f(2.0, 0.5), f(1.0, 3.0))),
        "exponential_normal": (D.Exponential(f(0.5, 2.0)), D.Normal(f(0.0, 1.0), f(1.0, 2.0))),
        "gamma_beta": (D.Gamma(f(2.0), f(1.0)), D.Beta(f(2.0), f(3.0))),
        "gamma_uniform": (D.Gamma(f(2.0), f(1.0)), D.Uniform(f(0.0), f(1.0))),
        "gamma_exponential": (D.Gamma(f(2.0, 0.5), f(1.0, 3.0)), D.Exponential(f(0.5, 2.0))),
        "gamma_normal": (D.Gamma(f(2.0, 0.5), f(1.0, 3.0)), D.Normal(f(0.0, 1.0), f(1.0, 2.0))),
        "laplace_beta": (D.Laplace(f(0.0), f(1.0)), D.Beta(f(2.0), f(3.0))),
        "laplace_exponential": (D.Laplace(f(0.0), f(1.0)), D.Exponential(f(2.0))),
        "laplace_gamma": (D.Laplace(f(0.0), f(1.0)), D.Gamma(f(2.0), f(3.0))),
        "laplace_uniform": (D.Laplace(f(0.0), f(1.0)), D.Uniform(f(0.0), f(3.0))),
        "laplace_normal": (D.Laplace(f(0.0, 1.0), f(1.0, 2.0)), D.Normal(f(0.5, -1.0), f(2.0, 0.5))),
        "normal_beta": (D.Normal(f(0.0), f(1.0)), D.Beta(f(2.0), f(3.0))),
        "normal_exponential": (D.Normal(f(0.0), f(1.0)), D.Exponential(f(2.0))),
        "normal_gamma": (D.Normal(f(0.0), f(1.0)), D.Gamma(f(2.0), f(3.0))),
        "normal_uniform": (D.Normal(f(0.0), f(1.0)), D.Uniform(f(0.0), f(3.0))),
        "normal_laplace": (D.Normal(f(0.0, 1.0), f(1.0, 2.0)), D.Laplace(f(0.5, -1.0), f(2.0, 0.5))),
        "poisson_bernoulli": (D.Poisson(f(1.0)), D.Bernoulli(f(0.5))),
        "poisson_binomial": (D.Poisson(f(1.0)), D.Binomial(f(3.0), f(0.5))),
        "uniform_beta": (D.Uniform(f(0.2, 0.0), f(0.7, 1.5)), D.Beta(f(2.0, 1.0), f(3.0, 2.0))),
        "uniform_exponential": (D.Uniform(f(0.2, -1.0), f(0.7, 1.0)), D.Exponential(f(2.0, 1.0))),
        "uniform_gamma": (D.Uniform(f(0.2, -1.0), f(0.7, 1.0)), D.Gamma(f(2.0, 1.0), f(3.0, 1.0))),
        "uniform_normal": (D.Uniform(f(0.2, -1.0), f(0.7, 1.0)), D.Normal(f(0.0, 1.0), f(1.0, 2.0))),
        "independent_independent": (D.Independent(D.Normal(f(0.0, 1.0), f(1.0, 2.0)), 1),
                                    D.Independent(D.Normal(f(0.5, -1.0), f(2.0, 0.5)), 1)),
        "cauchy_cauchy": (D.Cauchy(f(0.0, 1.0), f(1.0, 2.0)), D.Cauchy(f(0.5, -1.0), f(2.0, 0.5))),
        "chi2_chi2": (D.Chi2(f(1.0, 4.0)), D.Chi2(f(2.0, 3.0))),
    }
    out = {name: D.kl_divergence(p, q) for name, (p, q) in pairs.items()}
    # The Bregman-divergence KL of exponential families, which these pairs' own formulas override.
    for name in ("normal_normal", "gamma_gamma", "exponential_exponential", "bernoulli_bernoulli", "poisson_poisson",
                 "dirichlet_dirichlet", "beta_beta"):
        p, q = pairs[name]
        if name == "bernoulli_bernoulli":
            p, q = D.Bernoulli(f(0.3, 0.6)), D.Bernoulli(f(0.6, 0.2))
        out[f"bregman_{name}"] = D.kl._kl_expfamily_expfamily(p, q)
    out["not_implemented"] = _error(lambda: D.kl_divergence(D.Normal(0.0, 1.0), D.Categorical(f(0.5, 0.5))))
    out["binomial_larger_q"] = _error(lambda: D.kl_divergence(D.Binomial(f(3.0), f(0.5)), D.Binomial(f(5.0), f(0.5))))
    out["expfamily_cross"] = _error(lambda: D.kl._kl_expfamily_expfamily(D.Normal(0.0, 1.0), D.Exponential(1.0)))
    loc = _p(torch, [0.0, 1.0])
    out["grad_normal_normal"] = _grads(torch, D.kl_divergence(D.Normal(loc, 1.0), D.Normal(0.5, 2.0)), [loc])
    return out


def mvn_scale_tril(torch):
    """MultivariateNormal from a batch of Cholesky factors, with values whose batch dimensions
    broadcast against the factors' (the reshapes of _batch_mahalanobis)."""
    D = torch.distributions
    loc = _p(torch, [[0.0, 1.0, -1.0], [2.0, 0.5, 0.0]])
    scale_tril = _p(torch, [[[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.2, 0.7]],
                           [[2.0, 0.0, 0.0], [0.1, 1.0, 0.0], [0.4, -0.6, 1.5]]])
    d = D.MultivariateNormal(loc, scale_tril=scale_tril)
    x = _f64(torch, [[[0.5, 0.0, 1.0], [1.0, 1.0, 1.0]], [[-1.0, 2.0, 0.0], [2.0, 0.0, -0.5]],
                     [[0.0, 0.0, 0.0], [3.0, 1.0, 2.0]]])
    out = _describe(d, x, properties=("mean", "variance", "stddev", "mode", "entropy"))
    out["covariance_matrix"] = d.covariance_matrix
    out["precision_matrix"] = d.precision_matrix
    out["scale_tril"] = d.scale_tril
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [loc, scale_tril])
    out["support"] = repr(d.support)
    out["arg_constraints"] = repr(d.arg_constraints)
    shared = D.MultivariateNormal(_f64(torch, [[0.0, 0.0], [1.0, -1.0]]), scale_tril=_f64(torch, [[1.0, 0.0], [0.5, 2.0]]))
    out["shared_factor_batch_shape"] = list(shared.batch_shape)
    out["shared_factor_log_prob"] = shared.log_prob(_f64(torch, [[[0.5, 0.5], [1.0, 0.0]]]))
    out["expanded_log_prob"] = shared.expand([4, 2]).log_prob(_f64(torch, [1.0, 2.0]))
    return out


def mvn_covariance_and_precision(torch):
    D = torch.distributions
    loc = _p(torch, [1.0, -1.0])
    covariance = _p(torch, [[2.0, 0.6], [0.6, 1.0]])
    d = D.MultivariateNormal(loc, covariance_matrix=covariance)
    x = _f64(torch, [[0.0, 0.0], [1.5, -2.0]])
    out = {"log_prob": d.log_prob(x), "scale_tril": d.scale_tril, "precision_matrix": d.precision_matrix,
           "entropy": d.entropy(), "variance": d.variance, "repr": repr(d)}
    out["grad_log_prob"] = _grads(torch, d.log_prob(x), [loc, covariance])
    precision = _p(torch, [[2.0, 0.6], [0.6, 1.0]])
    e = D.MultivariateNormal(loc, precision_matrix=precision)
    out["precision_log_prob"] = e.log_prob(x)
    out["precision_covariance"] = e.covariance_matrix
    out["precision_scale_tril"] = e.scale_tril
    out["precision_grad"] = _grads(torch, e.log_prob(x), [precision])
    q = D.MultivariateNormal(_f64(torch, [0.0, 0.5]), scale_tril=_f64(torch, [[1.0, 0.0], [-0.5, 1.5]]))
    out["kl"] = D.kl_divergence(d, q)
    out["kl_reverse"] = D.kl_divergence(q, e)
    out["not_positive_definite"] = _error(
        lambda: D.MultivariateNormal(_f64(torch, [0.0, 0.0]), covariance_matrix=_f64(torch, [[1.0, 2.0], [2.0, 1.0]])))
    out["not_symmetric"] = _error(
        lambda: D.MultivariateNormal(_f64(torch, [0.0, 0.0]), covariance_matrix=_f64(torch, [[1.0, 0.5], [0.0, 1.0]])))
    out["not_lower_cholesky"] = _error(
        lambda: D.MultivariateNormal(_f64(torch, [0.0, 0.0]), scale_tril=_f64(torch, [[1.0, 0.5], [0.0, 1.0]])))
    out["two_matrices"] = _error(lambda: D.MultivariateNormal(loc, covariance_matrix=covariance, scale_tril=covariance))
    out["scalar_loc"] = _error(lambda: D.MultivariateNormal(_f64(torch, 0.0), covariance_matrix=covariance))
    out["vector_matrix"] = _error(lambda: D.MultivariateNormal(loc, covariance_matrix=loc))
    return out


def validation(torch):
    D = torch.distributions
    f = lambda *v: torch.tensor(list(v))  # noqa: E731
    out = {
        "normal_scale": _error(lambda: D.Normal(0.0, -1.0)),
        "normal_value_not_tensor": _error(lambda: D.Normal(0.0, 1.0).log_prob(1.0)),
        "normal_value_shape": _error(lambda: D.Normal(torch.zeros(2), 1.0).log_prob(torch.zeros(3))),
        "normal_nan_loc": _error(lambda: D.Normal(f(0.0, float("nan")), 1.0)),
        "bernoulli_probs": _error(lambda: D.Bernoulli(f(0.3, 1.5))),
        "bernoulli_both": _error(lambda: D.Bernoulli(0.3, 0.1)),
        "bernoulli_value": _error(lambda: D.Bernoulli(0.3).log_prob(torch.tensor(0.5))),
        "uniform_bounds": _error(lambda: D.Uniform(0.0, f(1.0, -1.0))),
        "uniform_value": _error(lambda: D.Uniform(0.0, 1.0).log_prob(torch.tensor([0.5, 2.0]))),
        "categorical_value": _error(lambda: D.Categorical(f(0.3, 0.3)).log_prob(torch.tensor(2))),
        "categorical_scalar": _error(lambda: D.Categorical(torch.tensor(1.0))),
        "categorical_negative": _error(lambda: D.Categorical(f(-0.5, 1.5))),
        "dirichlet_negative": _error(lambda: D.Dirichlet(f(1.0, -1.0))),
        "dirichlet_scalar": _error(lambda: D.Dirichlet(torch.tensor(1.0))),
        "dirichlet_value": _error(lambda: D.Dirichlet(f(1.0, 1.0)).log_prob(f(0.5, 0.6))),
        "multinomial_value": _error(lambda: D.Multinomial(3, f(0.3, 0.7)).log_prob(f(2.0, 2.0))),
        "multinomial_count": _error(lambda: D.Multinomial(2.5, f(0.3, 0.7))),
        "geometric_zero": _error(lambda: D.Geometric(f(0.0, 0.5))),
        "binomial_count": _error(lambda: D.Binomial(f(2.5, 3.0), f(0.5, 0.5))),
        "binomial_value": _error(lambda: D.Binomial(3, f(0.5)).log_prob(f(4.0))),
        "binomial_inhomogeneous": _error(lambda: D.Binomial(f(3.0, 4.0), f(0.5, 0.5)).entropy()),
        "poisson_rate": _error(lambda: D.Poisson(f(-1.0))),
        "poisson_value": _error(lambda: D.Poisson(f(1.0)).log_prob(f(1.5))),
        "gamma_value": _error(lambda: D.Gamma(1.0, 1.0).log_prob(torch.tensor(-1.0))),
        "beta_value": _error(lambda: D.Beta(1.0, 1.0).log_prob(torch.tensor(1.5))),
        "exponential_rate": _error(lambda: D.Exponential(f(0.0))),
        "one_hot_value": _error(lambda: D.OneHotCategorical(f(0.5, 0.5)).log_prob(f(1.0, 1.0))),
        "studentt_df": _error(lambda: D.StudentT(f(-1.0))),
        "lognormal_value": _error(lambda: D.LogNormal(0.0, 1.0).log_prob(torch.tensor(-1.0))),
        "chi2_df": _error(lambda: D.Chi2(f(-2.0))),
        "laplace_scale": _error(lambda: D.Laplace(0.0, f(-1.0, 1.0))),
        "cauchy_scale": _error(lambda: D.Cauchy(0.0, 0.0)),
        "no_validation": repr(D.Normal(0.0, -1.0, validate_args=False)),
        "broadcast_all": _error(lambda: D.utils.broadcast_all(1.0, "x")),
        "transform_list": _error(lambda: D.TransformedDistribution(D.Normal(0.0, 1.0), [1])),
        "transform_type": _error(lambda: D.TransformedDistribution(D.Normal(0.0, 1.0), 1)),
    }
    return out


def utilities(torch):
    D = torch.distributions
    U = D.utils
    probs = torch.tensor([[0.0, 0.25, 1.0], [0.5, 0.125, 0.375]])
    out = {
        "probs_to_logits": U.probs_to_logits(probs),
        "probs_to_logits_binary": U.probs_to_logits(probs, is_binary=True),
        "logits_to_probs": U.logits_to_probs(torch.tensor([[0.0, 1.0, -2.0]])),
        "logits_to_probs_binary": U.logits_to_probs(torch.tensor([0.0, 1.0, -2.0]), is_binary=True),
        "clamp_probs": U.clamp_probs(torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64)),
        "broadcast_all": list(U.broadcast_all(torch.tensor([1.0, 2.0], dtype=torch.float64), 3.0)),
        "broadcast_numbers": list(U.broadcast_all(1.0, 2)),
        "tril_to_vec": U.tril_matrix_to_vec(torch.arange(9.0).reshape(3, 3)),
        "vec_to_tril": U.vec_to_tril_matrix(torch.arange(1.0, 7.0)),
        "euler_constant": U.euler_constant,
    }
    C = D.constraints
    x = torch.tensor([[-1.0, 0.0, 0.5], [1.0, 2.0, float("nan")]])
    for name in ("real", "positive", "nonnegative", "unit_interval", "boolean", "nonnegative_integer",
                 "positive_integer", "real_vector", "simplex", "one_hot"):
        constraint = getattr(C, name)
        out[f"check_{name}"] = constraint.check(x)
        out[f"repr_{name}"] = repr(constraint)
        out[f"event_dim_{name}"] = constraint.event_dim
        out[f"is_discrete_{name}"] = constraint.is_discrete
    for name, constraint in [("interval", C.interval(0.0, 1.0)), ("half_open", C.half_open_interval(0.0, 1.0)),
                             ("greater_than", C.greater_than(0.5)), ("less_than", C.less_than(0.5)),
                             ("integer_interval", C.integer_interval(0, 1)), ("multinomial", C.multinomial(2)),
                             ("independent", C.independent(C.positive, 1))]:
        out[f"check_{name}"] = constraint.check(x)
        out[f"repr_{name}"] = repr(constraint)
    tri = torch.tensor([[[1.0, 0.0], [2.0, 3.0]], [[1.0, 1.0], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]]])
    out["check_lower_triangular"] = C.lower_triangular.check(tri)
    out["check_lower_cholesky"] = C.lower_cholesky.check(tri)
    out["check_square"] = C.square.check(tri)
    out["check_symmetric"] = C.symmetric.check(tri)
    out["check_stack"] = C.stack([C.positive, C.real]).check(torch.tensor([[1.0, -1.0], [-1.0, 1.0]]))
    out["check_cat"] = C.cat([C.positive, C.real], dim=1, lengths=[1, 2]).check(x)
    out["dependent"] = _error(lambda: C.dependent.check(x))
    out["is_dependent"] = [C.is_dependent(C.dependent), C.is_dependent(C.real),
                           C.is_dependent(D.Uniform.support), C.is_dependent(D.Uniform.arg_constraints)]
    return out




def encode(value):
    """A case's result as JSON data: a tensor as its shape, dtype and values (row-major,
    detached), lists and tuples element by element, numbers, strings and None as they are."""
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        values = value.detach().reshape(-1).tolist()
        return {"shape": list(value.shape), "dtype": str(value.dtype), "values": values}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def run(torch):
    """Every case's results under `torch`, encoded."""
    return {name: {key: encode(value) for key, value in CASES[name](torch).items()} for name in sorted(CASES)}


_HELPERS = {"encode", "run"}
CASES = {name: function for name, function in list(globals().items())
         if callable(function) and not name.startswith("_") and name not in _HELPERS
         and getattr(function, "__module__", None) == __name__}
