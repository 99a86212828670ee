package org.gru4j.train;

/** Where a {@link Trainer} reports, for a CLI to render or a test to record. */
@FunctionalInterface
public interface Progress {
    /** Reports nothing. */
    Progress SILENT = e -> {};

    /**
     * Takes one report.
     *
     * @param e the report
     */
    void report(Event e);

    /**
     * One report of a training run.
     *
     * @param step          steps done (including skipped ones)
     * @param totalSteps    steps the run will take if it is not stopped early
     * @param epoch         the epoch, from 1
     * @param loss          mean training loss over the steps since the last report (NaN when all were skipped)
     * @param gradNorm      the last step's gradient norm, before clipping
     * @param lr            the last step's learning rate
     * @param stepsPerSecond over the steps since the last report
     * @param etaSeconds    time left at that rate
     * @param validationLoss at the end of an epoch with a validation split; NaN otherwise
     * @param message       e.g. "exploding gradient: norm=NaN, step skipped", "early stop: …"; null when nothing happened
     * @param done          the run's last report: training has ended
     */
    record Event(long step, long totalSteps, int epoch, double loss, double gradNorm, double lr, double stepsPerSecond,
                 double etaSeconds, double validationLoss, String message, boolean done) {
        /**
         * One line: step 120/1000 epoch 2 loss 0.4312 |g| 0.83 lr 1.0e-03 52.1 steps/s ETA 17s.
         *
         * @return the line
         */
        public String format() {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "step %d/%d epoch %d loss %.4f |g| %.3g lr %.2e %.1f steps/s ETA %.0fs",
                    step, totalSteps, epoch, loss, gradNorm, lr, stepsPerSecond, etaSeconds));
            if (!Double.isNaN(validationLoss)) sb.append(String.format(java.util.Locale.ROOT, " val %.4f", validationLoss));
            if (message != null) sb.append(" — ").append(message);
            return sb.toString();
        }
    }
}
