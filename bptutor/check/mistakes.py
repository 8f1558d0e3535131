"""The shared table of mistakes: id -> ``(title, why, what to try)``, in words a stuck student can use.

Every text here is written for *any* question, so it names no question's parameters: a
question speaks its own language through the hints of its twin in
:mod:`bptutor.check.answers` (``Answer(hints={"transpose": "... W_next.T ..."})``), and
this table is the fallback. Three placeholders are filled in for the question at hand:
``{name}`` (what the notebook defines), ``{returns}`` (the returned items, e.g.
``(dX, dW, db)``) and ``{summary}`` (the contract in one line). Sources are cited by the
course's short names (the per-neuron article, the Ng-notation guide, the lecture slides,
the handbook chapter; the full references are on the sources page, ``lessons/sources.ipynb``).

Other modules may add their own ids at import time (``MISTAKES["my-id"] = (...)``).
"""
from __future__ import annotations

MISTAKES = {
    "sign": (
        "sign flipped",
        "Your values have the right size but the opposite sign.",
        "Compare every minus sign in your code with the contract, {summary}."),
    "transpose": (
        "transposed result or missing transpose",
        "A matrix product has its factors the wrong way round or lacks a transpose, so the result "
        "is transposed or the shapes do not line up.",
        "Write the shape of every factor next to the product: in `A @ B` the last size of `A` must "
        "equal the first size of `B`, and a gradient has the shape of what it is the gradient of."),
    "missing-derivative": (
        "missing activation derivative",
        "The result lacks the activation's derivative: the gradient went back through the "
        "activation as if the activation were not there (as if a = z).",
        "Multiply elementwise by the activation's slope, written through its output (y (1 − y) "
        "for a sigmoid with output y), where the gradient goes back through the activation."),
    "derivative-of-preactivation": (
        "derivative formula applied to the output as if it were the pre-activation",
        "The sigmoid was applied once more to a value that already is the sigmoid's output: "
        "σ(y)(1 − σ(y)) where y = σ(z) is given. Written through the output y, the slope is "
        "y (1 − y), with no sigmoid to call (the per-neuron article, eq. (15)).",
        "Use the stored output directly in y (1 − y); do not apply the activation to it again."),
    "derivative-twice": (
        "activation derivative applied twice (or where it does not belong)",
        "The activation's slope appears once too often: for example it was applied when computing "
        "δ and again when using it.",
        "Apply the slope exactly once per layer, where the gradient goes back through that layer's "
        "activation."),
    "wrong-activation": (
        "the derivative (or function) of the other activation",
        "The values match the formula of a different activation: the sigmoid's y (1 − y) where "
        "tanh's 1 − y² belongs, or the reverse (y is the activation's output).",
        "Sigmoid: σ'(z) = y (1 − y) (the per-neuron article, eq. (15)); tanh: 1 − y² (eq. (14))."),
    "factor-2": (
        "factor of 2 or ½",
        "A factor 2 (or ½) appeared or disappeared somewhere.",
        "A 2 comes from differentiating a square, and a ½ in front of a square is there to cancel "
        "it: look for both in your derivation."),
    "missing-1/N": (
        "missing 1/N",
        "The mean over the N examples (the rows) was written as a sum, so the values are N times "
        "too large.",
        "The loss is a mean over the N examples (the per-neuron article, eq. (6)), so every "
        "gradient carries the same 1/N."),
    "extra-1/N": (
        "extra 1/N",
        "Something was averaged that should be summed, so the values are N (or another size) times "
        "too small.",
        "Divide by N exactly once, where the loss is averaged over the examples."),
    "wrong-axis": (
        "wrong axis",
        "A sum, maximum or normalisation runs over the wrong axis (columns instead of rows, or the "
        "whole array).",
        "Rows are examples: for each sum decide whether it runs over the examples (`axis=0`) or "
        "within one example (`axis=1`); `keepdims=True` keeps a row result lined up with its rows."),
    "broadcast": (
        "shapes that do not broadcast",
        "An elementwise operation (+, −, *, /) combined arrays whose shapes do not fit. NumPy "
        "matches two shapes size by size from the right, and each pair must be equal or contain a "
        "1 (this is called broadcasting). Typical causes: a row sum without `keepdims=True`, or a "
        "product that was meant to be a matrix product.",
        "Print the shape of both operands of the failing line; a sum you subtract back from its "
        "array needs `keepdims=True`."),
    "regularised-biases": (
        "biases regularised",
        "The λ term was applied to the biases too; only the weights are regularised (the "
        "Ng-notation guide: the bias column gets no λ).",
        "Add λ/N · W to `grads_W` only, and λ/(2N) Σ ‖W‖² to the loss; leave `grads_b` alone."),
    "missing-regularisation": (
        "regularisation missing from the loss or from the gradients",
        "The λ term appears in only one of the two: the loss has λ/(2N) Σ ‖W‖², so every weight "
        "gradient has (λ/N) W, and the reverse.",
        "Add `0.5 * lam / N` times the sum of squared weights to the loss and `lam / N * W` to each "
        "`grads_W[l]`."),
    "lambda-not-divided-by-N": (
        "λ not divided by N",
        "The regularisation term lacks its 1/N: E has λ/(2N) Σ ‖W‖², so its gradient is (λ/N) W.",
        "Use `lam / N`, both in the loss and in the gradient."),
    "forward-difference": (
        "forward instead of central differences",
        "Your gradient is (f(x + h) − f(x)) / h: its error is proportional to h (about 1e-5 here), "
        "while the central difference (f(x + h) − f(x − h)) / 2h is accurate to about h².",
        "Evaluate f at x + h and at x − h and divide by 2h (lesson 01)."),
    "step-too-large": (
        "central difference with too large a step",
        "Your gradient is a central difference, but its step h is so large that the h² error term "
        "shows (about h² f‴(x) / 6).",
        "Use the default `eps=1e-5`: small enough for the h² error, large enough for round-off "
        "(lesson 01's error-vs-h curve)."),
    "relerr-no-floor": (
        "relative error without the floor",
        "Without the floor max(|a| + |b|, 1e-8) the ratio is 0/0 = nan when both are zero, and "
        "tiny values give huge relative errors.",
        "Divide by `np.maximum(np.abs(a) + np.abs(b), 1e-8)`."),
    "relerr-no-max": (
        "relative error not the maximum of the elementwise ratios",
        "The contract is the maximum over entries of |a − b| / max(|a| + |b|, 1e-8): the ratio is "
        "taken entry by entry, then the largest one is returned as a float. A mean, a sum, a ratio "
        "of maxima or the whole array hide the one entry that is wrong.",
        "Compute the elementwise ratio first, then return `float(np.max(ratio))`."),
    "relerr-denominator": (
        "relative error with the wrong denominator",
        "The denominator must be |a| + |b| (with the floor); max(|a|, |b|) or |b| alone gives "
        "different numbers.",
        "Use `np.maximum(np.abs(a) + np.abs(b), 1e-8)`."),
    "missing-path": (
        "a path of the chain rule left out",
        "f depends on x along several paths of its graph (x², xy, (x + y)²); the chain rule adds "
        "one term per path (the lecture slides: the sum over paths).",
        "List every node that x (and y) feeds into and add one term per path."),
    "swapped-outputs": (
        "outputs swapped",
        "The values are right but in the wrong places: one output's value was returned where "
        "another belongs.",
        "Return {returns}, in this order."),
    "wrong-order": (
        "returned items in the wrong order",
        "The returned items are right but in the wrong order.",
        "Return {returns}, in exactly this order."),
    "layer-order": (
        "gradients listed in backward order",
        "The backward pass visits layers from the last to the first; the lists must still be "
        "ordered like `weights` and `biases` (layer 0 first).",
        "Fill `grads_W[l]` by index (e.g. start from `[None] * L`) or reverse the lists at the end."),
    "missing-bias": (
        "bias left out",
        "The result lacks the bias b: the pre-activation is z = a W + b (the per-neuron article, "
        "eq. (1), where the bias is the weight of an input fixed at 1).",
        "Add b; it broadcasts over the rows."),
    "missing-upstream": (
        "upstream gradient ignored",
        "The result does not depend on the upstream gradient (the gradient with respect to this "
        "step's output): the chain rule multiplies the local derivative by it (the handbook "
        "chapter, Example 1).",
        "Multiply the local derivative elementwise by the upstream gradient."),
    "diagonal-jacobian": (
        "only the diagonal of the softmax Jacobian",
        "S ⊙ (1 − S) ⊙ dS uses only the diagonal of the softmax Jacobian diag(s) − s sᵀ; every "
        "output of a softmax depends on every logit of its row.",
        "Use `S * (dS - np.sum(S * dS, axis=1, keepdims=True))` (the handbook chapter, Example 4)."),
    "mean-over-all-entries": (
        "averaged over all entries instead of over the examples",
        "`np.mean` over the whole N × C array divides by N·C; the loss is a mean over the N "
        "examples only (each row sums over its C classes).",
        "Use `-np.sum(Y * np.log(S)) / N`."),
    "swapped-arguments": (
        "arguments swapped",
        "The function uses its inputs the other way round (e.g. log of the labels instead of log "
        "of the probabilities).",
        "Check which parameter is which in the contract, {summary}."),
    "overflow": (
        "overflow or NaN for large inputs",
        "exp of a large number overflows to inf, and inf/inf or inf − inf gives NaN; NumPy warns "
        "even when the final value happens to be right.",
        "Never let exp see a large positive number: rewrite the formula so that every exponent is "
        "at most 0."),
    "mutated-input": (
        "an input array changed in place",
        "The function changed an array it was given (an in-place operator such as `+=` or `*=` on "
        "a parameter, or an assignment into one of its entries). The caller's data is then "
        "silently wrong.",
        "Work on a copy (`x = x.copy()`), or write a new array (`y = x * 2` instead of `x *= 2`); "
        "never use `+=`, `-=`, `*=` on a parameter."),
    "wrong-shape": (
        "wrong shape",
        "The returned array has a different shape from the one the contract gives.",
        "Compare with the docstring: a gradient has the shape of what it is the gradient of."),
    "wrong-type": (
        "wrong type",
        "The function returned something other than numbers in the form the contract asks (e.g. a "
        "string, a dict, an `np.matrix`, a generator, Python lists).",
        "Return NumPy arrays (`np.ndarray`) or numbers, in a tuple when several are asked for."),
    "missing-return": (
        "nothing returned (did you forget `return`?)",
        "The function gave back None. A Python function that ends without a `return` statement "
        "returns None, so a result computed in a variable never reaches the caller.",
        "End {name} with a `return` line that hands back {returns}."),
    "wrong-count": (
        "wrong number of returned items",
        "The function returned a different number of items than the contract asks.",
        "Return exactly {returns}, in that order."),
    "low-precision": (
        "float32 precision",
        "Your numbers are right to about 7 digits only: somewhere the computation runs in float32 "
        "(or float16), which keeps about 7 significant digits where float64 keeps 16.",
        "Keep arrays float64 (the default of `np.zeros` and of `np.array` of Python floats); avoid "
        "`dtype=np.float32` and `.astype(np.float32)`."),
    "scalar-math": (
        "scalar-only math on arrays",
        "`math.exp` and its friends accept one number; the function must work on whole arrays.",
        "Use NumPy's `np.exp`, `np.log`, ..., which work entry by entry."),
    "constant-factor": (
        "off by a constant factor",
        "Every wrong value is the expected one times the same number: a constant factor was "
        "added or lost.",
        "Look for a constant in your formula that the contract, {summary}, does not have (or the "
        "reverse)."),
    "zeros": (
        "every value is zero",
        "The function returned zeros where the answer is not zero: perhaps it returned the array "
        "it created with `np.zeros` before filling it, or a loop that should fill it never ran.",
        "Check that the array you return is the one your code fills in."),
    "constant-predictions": (
        "predict returns the same label for every example",
        "All predictions are one class: the network did not learn (weights all zero, or so large "
        "that every sigmoid outputs 0 or 1; a learning rate too small or too large) or predict "
        "ignores its input.",
        "Initialise weights with small random numbers (never all zeros), check that the loss goes "
        "down during training, and make predict use its argument."),
    "low-accuracy": (
        "held-out accuracy too low",
        "The network does not classify the held-out digits well enough.",
        "Train longer or with a better learning rate, check your gradients numerically, and make "
        "sure predict returns class labels (argmax over the outputs)."),
    # a7, the autodiff engine: what a hand-written Value class gets wrong
    "autodiff-assign-not-accumulate": (
        "= instead of += in _backward",
        "A node used more than once (x * x, or a leaf feeding two expressions) receives one gradient "
        "contribution per use, and the chain rule adds them up (the lecture slides' sum over paths). With = "
        "each contribution overwrites the one before, so only the last use survives.",
        "Accumulate in every closure: self.grad += ... and other.grad += ..., never =."),
    "autodiff-upstream-ignored": (
        "local derivative not multiplied by out.grad",
        "Each closure passes on (local derivative) × (the gradient arriving from above, out.grad). Without "
        "the factor out.grad, only nodes that feed the output directly come out right.",
        "Multiply by out.grad, e.g. self.grad += other.data * out.grad."),
    "autodiff-children-missing": (
        "the operands not recorded as children",
        "The result was created without its operands as children, so its _prev is empty: a backward pass "
        "that walks the graph through _prev never reaches the nodes below it, and their gradients stay 0.",
        "Create the result with its children: Value(data, (self, other), '+'); pow and tanh: (self,)."),
    "autodiff-closure-not-set": (
        "_backward never attached to the result",
        "The closure was written but never stored on the result (out._backward = _backward), so the node "
        "keeps the do-nothing _backward it was created with: no gradient gets past it.",
        "End the operation with out._backward = _backward, then return out."),
    "autodiff-mul-swapped": (
        "mul's local derivatives swapped",
        "∂(ab)/∂a = b and ∂(ab)/∂b = a: each factor receives the *other* factor times out.grad. Your closure "
        "gives each factor its own value.",
        "self.grad += other.data * out.grad; other.grad += self.data * out.grad."),
    "autodiff-pow-missing-factor": (
        "the factor k missing from the power rule",
        "d(x^k)/dx = k·x^(k−1); your gradient is x^(k−1)·out.grad, without the k.",
        "self.grad += k * self.data ** (k - 1) * out.grad."),
    "autodiff-pow-off-by-one": (
        "power rule off by one",
        "d(x^k)/dx = k·x^(k−1). Your gradient uses x^k, or computes k * x ** k - 1, which Python reads as "
        "(k·x^k) − 1 because ** binds tighter than −.",
        "Put the new exponent in parentheses: self.data ** (k - 1)."),
    "autodiff-tanh-from-input": (
        "tanh's derivative written from the input",
        "tanh'(s) = 1 − y² with y = tanh(s), the node's *output* (the per-neuron article, eq. (14)). "
        "1 − x² with x = self.data, the input, is a different number.",
        "Use the output: t = out.data; self.grad += (1 - t**2) * out.grad."),
    "autodiff-grad-not-seeded": (
        "the output's grad not seeded with 1",
        "The backward pass starts from ∂out/∂out = 1. Left at 0, every closure multiplies by 0 and all "
        "gradients stay 0.",
        "Set self.grad = 1.0 in backward() before calling the closures."),
    "autodiff-order-not-reversed": (
        "closures called children first",
        "A topological order lists every node after its children; the backward pass walks it in reverse, "
        "output first. Walked forwards, each closure runs before its node has received its gradient, so "
        "only the output's own children get theirs.",
        "for node in reversed(topo): node._backward()."),
    "autodiff-only-direct-children": (
        "only the output and its direct children passed on",
        "Calling self._backward() and then each child's _backward() stops two levels down: the chain rule "
        "has to reach every node of the graph.",
        "Build the whole topological order (a depth-first search over _prev with a visited set) and call "
        "_backward() on every node in reverse."),
    "autodiff-no-topological-order": (
        "a node passed on before all its users have contributed",
        "A node may pass its gradient on only once every node that uses it has added its contribution. A walk "
        "from the output that calls _backward() on a node as soon as it meets it (depth-first pre-order, or "
        "breadth-first) passes on a partial gradient whenever a node is used at different depths.",
        "Sort topologically: a depth-first search that appends a node after all of its children, then call "
        "_backward() on the reversed list."),
    "autodiff-revisits-nodes": (
        "nodes visited more than once",
        "Without a visited set, a node shared by several paths is visited once per path and its _backward() "
        "runs each time, adding its contribution again: gradients below shared nodes are counted twice or "
        "more.",
        "Keep a set of visited nodes in the topological sort, so that each node appears, and its _backward() "
        "runs, exactly once."),
}
