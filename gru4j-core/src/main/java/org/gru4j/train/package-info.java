/**
 * Training: {@link org.gru4j.train.Loss losses} (cross-entropy, MSE, MAE, Huber, BCE with logits), optimizers
 * ({@link org.gru4j.train.Sgd}, {@link org.gru4j.train.Adam} / AdamW, with PyTorch's update formulas),
 * {@link org.gru4j.train.Schedule learning-rate schedules}, {@link org.gru4j.train.Clipping gradient clipping},
 * {@link org.gru4j.train.Init initialisers}, a checkpointable {@link org.gru4j.train.Rng}, and the
 * {@link org.gru4j.train.Trainer} loop.
 * <pre>
 * SequenceModel model = new SequenceModel(SequenceModelConfig.nextToken(CellKind.GRU, 96, 32, 128, 2).withDropout(0.2));
 * Init.PYTORCH.apply(model, new Rng(1));
 * Trainer t = new Trainer(model, Adam.adamW(model.parameterCount()), new CrossEntropy(CrossEntropy.IGNORE_INDEX),
 *         TrainConfig.defaults(2e-3).withBptt(64).withValidation(0.1, 3).withCheckpoints(Path.of("run.safetensors"), 500),
 *         e -> System.err.println(e.format()));
 * t.fit(examples);                        // or t.resume(Checkpoint.read(path)) first, then fit on the same examples
 * </pre>
 * Checked against PyTorch 1.13 by TrainFixtureTest (fixtures from scripts/make_train_fixtures.py).
 */
package org.gru4j.train;
