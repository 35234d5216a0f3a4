/**
 * Activation functions as plain numbers, to know what a zeroed channel becomes after an
 * activation: relu(0) = 0 keeps a pruned channel zero, sigmoid(0) = 0.5 does not. A function
 * returns null where compress/ does not model it; softmax is absent because it mixes channels.
 */
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.log1p(Math.exp(x));

const table: Record<string, (x: number) => number | null> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(Math.max(0, x), 6),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)),
  sigmoid,
  hard_sigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  hardSigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  tanh: Math.tanh,
  swish: (x) => x * sigmoid(x),
  mish: (x) => x * Math.tanh(softplus(x)),
  gelu: (x) => (x === 0 ? 0 : null),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
};

/** The activation named in a layer config as a number function, or undefined when unknown. */
export function activationValue(name: unknown): ((x: number) => number | null) | undefined {
  if (name === undefined || name === null) return table.linear;
  if (typeof name !== 'string') return undefined;
  return table[name];
}

/** Names that mix channels (so a layer using them cannot have prunable outputs). */
export function isChannelMixing(name: unknown): boolean {
  return name === 'softmax';
}
