/**
 * Three applications on {@link org.gru4j.model.SequenceModel} and {@link org.gru4j.train.Trainer}, each usable from
 * Java on plain arrays (the {@code gru4j forecast|anomaly|classify} commands read CSV files and call these):
 * <pre>
 * Forecaster.Backtest b = Forecaster.backtest(y, Forecaster.Config.defaults(12, 12), Progress.SILENT);  // b.maseGru()
 * double[] next = Forecaster.fit(y, Forecaster.Config.defaults(12, 12), Progress.SILENT).forecast(y);
 * AnomalyDetector.Result r = AnomalyDetector.score(rows, groups, AnomalyDetector.Config.defaults(), Progress.SILENT);
 * SequenceClassifier c = SequenceClassifier.train(features, labels, classes, SequenceClassifier.Config.defaults(8), Progress.SILENT);
 * </pre>
 * Inputs may have gaps (NaN): {@link org.gru4j.apps.Gaps} fills them before a model sees them.
 */
package org.gru4j.apps;
