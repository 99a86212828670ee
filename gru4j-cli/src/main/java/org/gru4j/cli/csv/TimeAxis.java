package org.gru4j.cli.csv;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Date;

/**
 * A time column: numbers (e.g. years), months (2024-01), dates (2024-01-31) or date-times (2024-01-31T12:00[:00][Z|+01:00],
 * a space allowed for the T), each row read as one number on a uniform scale (the number, months since year 0, days or
 * seconds since 1970) so that rows can be sorted and future stamps extrapolated by the median step.
 */
public final class TimeAxis {
    public enum Kind { NUMBER, MONTH, DATE, DATETIME }

    public final Kind kind;
    public final double[] value;

    private TimeAxis(Kind kind, double[] value) {
        this.kind = kind;
        this.value = value;
    }

    public static TimeAxis read(Csv csv, String name, String flag) {
        String[] s = csv.strings(name, flag);
        Kind kind = null;
        double[] v = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            String cell = s[i].trim();
            if (cell.isEmpty() || cell.equalsIgnoreCase("na") || cell.equalsIgnoreCase("nan")) {
                throw new IllegalArgumentException(csv.file + " line " + csv.line(i) + ", column '" + name + "': the time is missing");
            }
            if (kind == null) kind = kindOf(cell);
            try {
                v[i] = parse(kind, cell);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(csv.file + " line " + csv.line(i) + ", column '" + name + "': '" + cell + "' is not a "
                        + kind.name().toLowerCase(java.util.Locale.ROOT) + " like the first row's");
            }
        }
        return new TimeAxis(kind, v);
    }

    private static Kind kindOf(String cell) {
        for (Kind k : Kind.values()) {
            try {
                parse(k, cell);
                return k;
            } catch (RuntimeException ignored) {
                // try the next kind
            }
        }
        return Kind.NUMBER;     // parse will then name the cell
    }

    private static double parse(Kind k, String s) {
        return switch (k) {
            case NUMBER -> {
                double d = Double.parseDouble(s);
                if (!Double.isFinite(d)) throw new NumberFormatException(s);
                yield d;
            }
            case MONTH -> {
                YearMonth m = YearMonth.parse(s);
                yield m.getYear() * 12.0 + m.getMonthValue() - 1;
            }
            case DATE -> LocalDate.parse(s).toEpochDay();
            case DATETIME -> {
                String t = s.replace(' ', 'T');
                try {
                    yield OffsetDateTime.parse(t).toEpochSecond();
                } catch (DateTimeParseException e) {
                    yield LocalDateTime.parse(t).toEpochSecond(ZoneOffset.UTC);
                }
            }
        };
    }

    /** The rows in time order (stable), or null when they already are. */
    public int[] order() {
        boolean sorted = true;
        for (int i = 1; i < value.length; i++) sorted &= value[i] >= value[i - 1];
        if (sorted) return null;
        Integer[] idx = new Integer[value.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(value[a], value[b]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** value[order[i]], or the values when order is null. */
    public TimeAxis permuted(int[] order) {
        if (order == null) return this;
        double[] v = new double[value.length];
        for (int i = 0; i < v.length; i++) v[i] = value[order[i]];
        return new TimeAxis(kind, v);
    }

    /** h steps of the median spacing after the last stamp. */
    public double after(int h) {
        int n = value.length;
        double step = 1;
        if (n > 1) {
            double[] d = new double[n - 1];
            for (int i = 1; i < n; i++) d[i - 1] = value[i] - value[i - 1];
            Arrays.sort(d);
            step = d[(n - 1) / 2];
        }
        return value[n - 1] + h * step;
    }

    /** A value on the plot's x axis: a Date for calendar kinds, the number otherwise. */
    public Object plot(double v) {
        return switch (kind) {
            case NUMBER -> v;
            case MONTH -> Date.from(YearMonth.of((int) Math.floor(v / 12), (int) (v - 12 * Math.floor(v / 12)) + 1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
            case DATE -> Date.from(LocalDate.ofEpochDay((long) v).atStartOfDay().toInstant(ZoneOffset.UTC));
            case DATETIME -> Date.from(Instant.ofEpochSecond((long) v));
        };
    }

    /** How a stamp prints. */
    public String format(double v) {
        return switch (kind) {
            case NUMBER -> v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
            case MONTH -> YearMonth.of((int) Math.floor(v / 12), (int) (v - 12 * Math.floor(v / 12)) + 1).toString();
            case DATE -> LocalDate.ofEpochDay((long) v).toString();
            case DATETIME -> Instant.ofEpochSecond((long) v).toString();
        };
    }
}
