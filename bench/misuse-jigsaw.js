// Misuse cases for the MNIST jigsaw (torch.tasks.jigsaw): train options, the model's options and
// inputs, the pieces helpers, the session's checkpoint state. Called from bench/misuse.js's buildCases.
'use strict';

function jigsawCases(add) {
  const error = 'error';
  const J = (t) => t.tasks.jigsaw;
  // Options that must be refused before any data is read.
  for (const [k, v] of [
    ['pieces', 1], ['pieces', 15], ['pieces', 2.5], ['pieces', NaN], ['pieces', '2'], ['pieces', null], ['tau', 0], ['tau', -0.1], ['tau', Infinity],
    ['iters', 0], ['iters', 1.5], ['epochs', 0], ['batchSize', 0], ['lr', -1], ['seed', -1], ['device', 'gpu'], ['onStep', 'x'], ['limit', 0], ['testLimit', -5],
  ])
    add(`jigsaw.train ${k} ${String(v)}`, (t) => J(t).train({ [k]: v }), error);
  for (const k of ['piece', 'num_pieces', 'batch_size', 'temperature', 'n_sink_iter']) add(`jigsaw.train unknown option ${k}`, (t) => J(t).train({ [k]: 1 }), error);
  add('jigsaw.train options not an object', (t) => J(t).train(3), error);
  add('jigsaw.train limit above the training set', (t) => J(t).train({ limit: 60001 }), error);
  add('jigsaw.train limit below one batch', (t) => J(t).train({ limit: 63 }), error);
  add('jigsaw.train testLimit above the test set', (t) => J(t).train({ limit: 64, testLimit: 10001 }), error);
  // The model.
  for (const [k, v] of [['numPieces', 1], ['numPieces', 15], ['kernelSize', 4], ['hiddenChannels', 0], ['tau', 0], ['nSinkIter', 0], ['imageSize', 3], ['num_pieces', 2]])
    add(`SinkhornConvNet ${k} ${String(v)}`, (t) => new (J(t).SinkhornConvNet)({ [k]: v }), error);
  const model = (t) => new (J(t).SinkhornConvNet)();
  const nan = (t, shape) => t.zeros(shape).log().mul(0); // -inf * 0
  for (const shape of [[4, 4, 1, 14], [4, 9, 1, 14, 14], [4, 4, 3, 14, 14], [4, 4, 1, 13, 14], [0, 4, 1, 14, 14]]) add(`SinkhornConvNet forward ${JSON.stringify(shape)}`, (t) => model(t).forward(t.zeros(shape)), error);
  // A batch of 1 works as in PyTorch while batch norm sees 2 values per channel (7 x 7 after pooling), not at 14 x 14 pieces (1 x 1).
  add('SinkhornConvNet forward a batch of 1 in training', (t) => model(t).forward(t.randn([1, 4, 1, 14, 14])).ordered, (y) => y.shape.join() === '1,4,1,14,14' && y.isfinite().all().item());
  add('SinkhornConvNet 14 x 14 pieces, a batch of 1 in training', (t) => new (J(t).SinkhornConvNet)({ numPieces: 14 }).forward(t.randn([1, 196, 1, 2, 2])), error);
  add('jigsaw.train batchSize 1 with 14 x 14 pieces', (t) => J(t).train({ batchSize: 1, pieces: 14 }), error);
  add('SinkhornConvNet forward a batch of 1 in eval', (t) => model(t).eval().forward(t.randn([1, 4, 1, 14, 14])).positions, (p) => p.shape.join() === '1,4' && new Set(p.select(0, 0).toArray()).size === 4);
  add('SinkhornConvNet forward NaN pieces (training)', (t) => model(t).forward(nan(t, [2, 4, 1, 14, 14])), error);
  add('SinkhornConvNet forward NaN pieces (eval)', (t) => model(t).eval().forward(nan(t, [2, 4, 1, 14, 14])), error);
  add('SinkhornConvNet forward float64 pieces', (t) => model(t).forward(t.zeros([2, 4, 1, 14, 14], { dtype: 'float64' })), error);
  add('SinkhornConvNet forward int64 pieces', (t) => model(t).forward(t.zeros([2, 4, 1, 14, 14], { dtype: 'int64' })), error);
  add('SinkhornConvNet forward noise of another shape', (t) => model(t).forward(t.zeros([2, 4, 1, 14, 14]), { noise: t.zeros([2, 4]) }), error);
  add('SinkhornConvNet forward NaN noise', (t) => model(t).forward(t.randn([2, 4, 1, 14, 14]), { noise: nan(t, [2, 4, 4]) }), error);
  add('SinkhornConvNet forward not a tensor', (t) => model(t).forward([[1]]), error);
  // The pieces helpers.
  add('cutPieces of non-square images', (t) => J(t).cutPieces(t.zeros([2, 28, 27]), 2), error);
  add('cutPieces pieces 1', (t) => J(t).cutPieces(t.zeros([2, 28, 28]), 1), error);
  add('cutPieces pieces 15 of 28', (t) => J(t).cutPieces(t.zeros([2, 28, 28]), 15), error);
  add('cutPieces of one image [28, 28]', (t) => J(t).cutPieces(t.zeros([28, 28]), 2), error);
  add('cutPieces 2 of 28: [B, 4, 1, 14, 14]', (t) => J(t).cutPieces(t.zeros([3, 1, 28, 28]), 2), (y) => y.shape.join() === '3,4,1,14,14');
  add('scramble with indices out of range', (t) => J(t).scramble(t.zeros([2, 4, 1, 3, 3]), t.full([2, 4], 7, { dtype: 'int64' })), error);
  add('scramble with float indices', (t) => J(t).scramble(t.zeros([2, 4, 1, 3, 3]), t.zeros([2, 4])), error);
  add('unscramble with a matrix of another size', (t) => J(t).unscramble(t.zeros([2, 4, 1, 3, 3]), t.zeros([2, 3, 3])), error);
  // The session's checkpoint state.
  const session = (t) => new (J(t).JigsawSession)({ pieces: 2, tau: 0.1, iters: 20, batchSize: 16, lr: 1e-3, device: 'cpu', limit: 64, testLimit: 16 });
  add('JigsawSession.loadStateDict without a model', (t) => session(t).loadStateDict({ optimizer: {} }), error);
  add('JigsawSession.loadStateDict with a 3 x 3 model', (t) => { const s = session(t); s.loadStateDict({ model: new (J(t).SinkhornConvNet)({ numPieces: 3 }).stateDict(), optimizer: s.optimizer.stateDict() }); }, error);
  add('JigsawSession.loadStateDict with an order of another length', (t) => { const s = session(t); s.loadStateDict({ model: s.model.stateDict(), optimizer: s.optimizer.stateDict(), order: t.arange(0, 10, 1, { dtype: 'int64' }) }); }, error);
  add('JigsawSession.trainStep before beginEpoch', (t) => session(t).trainStep(1, 0), error);
}

module.exports = { jigsawCases };
