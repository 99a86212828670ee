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

    /** What is read without --time-format, and how to read anything else: said when a cell is none of them. */
    public static final String ACCEPTED = "accepted: numbers (1949), yyyy-MM (1949-01), yyyy-MM-dd (1949-01-31), ISO date-times "
            + "(1949-01-31T12:00[:00][Z|+01:00], a space for the T); other layouts with --time-format and a java.time pattern, "
            + "e.g. dd/MM/yyyy, 'MMM yyyy', dd.MM.yyyy, 'dd/MM/yyyy HH:mm'";

    public static TimeAxis read(Csv csv, String name, String flag) {
        return read(csv, name, flag, null);
    }

    /** @param pattern a java.time pattern (DateTimeFormatter.ofPattern, English month names) or null for the built-in layouts */
    public static TimeAxis read(Csv csv, String name, String flag, String pattern) {
        String[] s = csv.strings(name, flag);
        if (pattern != null) return read(csv, name, s, pattern);
        Kind kind = null;
        double[] v = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            String cell = s[i].trim();
            if (cell.isEmpty() || cell.equalsIgnoreCase("na") || cell.equalsIgnoreCase("nan")) {
                throw new IllegalArgumentException(csv.file + " line " + csv.line(i) + ", column '" + name + "': the time is missing");
            }
            if (kind == null) {
                kind = kindOf(cell);
                if (kind == null) {
                    throw new IllegalArgumentException(csv.file + " line " + csv.line(i) + ", column '" + name + "': '" + cell
                            + "' is not a time stamp gru4j reads; " + ACCEPTED);
                }
            }
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
        return null;
    }

    /** Every cell by the pattern: a date-time when it has a time of day, else a date, else a month, else a year (a number). */
    private static TimeAxis read(Csv csv, String name, String[] s, String pattern) {
        java.time.format.DateTimeFormatter f;
        try {
            f = new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                    .toFormatter(java.util.Locale.ENGLISH);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--time-format '" + pattern + "' is not a java.time pattern: " + e.getMessage());
        }
        Kind kind = null;
        double[] v = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            String cell = s[i].trim();
            try {
                java.time.temporal.TemporalAccessor t = f.parse(cell);
                Kind k = t.isSupported(java.time.temporal.ChronoField.HOUR_OF_DAY) ? Kind.DATETIME
                        : t.isSupported(java.time.temporal.ChronoField.DAY_OF_MONTH) ? Kind.DATE
                        : t.isSupported(java.time.temporal.ChronoField.MONTH_OF_YEAR) ? Kind.MONTH : Kind.NUMBER;
                if (kind == null) kind = k;
                v[i] = switch (kind) {
                    case DATETIME -> LocalDateTime.from(t).toEpochSecond(ZoneOffset.UTC);
                    case DATE -> LocalDate.from(t).toEpochDay();
                    case MONTH -> { YearMonth m = YearMonth.from(t); yield m.getYear() * 12.0 + m.getMonthValue() - 1; }
                    case NUMBER -> t.get(java.time.temporal.ChronoField.YEAR);
                };
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(csv.file + " line " + csv.line(i) + ", column '" + name + "': '" + cell
                        + "' does not match --time-format '" + pattern + "'");
            }
        }
        return new TimeAxis(kind, v);
    }

    /** Refuses two rows with one time stamp, naming both lines (a series has one value per time). */
    public void requireDistinct(Csv csv, String name) {
        java.util.Map<Double, Integer> first = new java.util.HashMap<>();
        for (int i = 0; i < value.length; i++) {
            Integer j = first.putIfAbsent(value[i], i);
            if (j != null) {
                throw new IllegalArgumentException(csv.file + " lines " + csv.line(j) + " and " + csv.line(i) + ", column '" + name
                        + "': the same time " + format(value[i]) + " twice");
            }
        }
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

    /**
     * Where a stamp sits on the series' grid: the value itself, except for dates that all fall on the 1st of a month
     * (monthly data written as 1949-01-01), which count in months so that a month is one step whatever its length.
     */
    private double[] coordinates() {
        if (!monthStarts()) return value;
        double[] c = new double[value.length];
        for (int i = 0; i < c.length; i++) {
            LocalDate d = LocalDate.ofEpochDay((long) value[i]);
            c[i] = d.getYear() * 12.0 + d.getMonthValue() - 1;
        }
        return c;
    }

    private boolean monthStarts() {
        if (kind != Kind.DATE || value.length < 2) return false;
        for (double v : value) if (LocalDate.ofEpochDay((long) v).getDayOfMonth() != 1) return false;
        return true;
    }

    /** The stamp at grid coordinate c (the inverse of {@link #coordinates}). */
    private double stamp(double c) {
        if (!monthStarts()) return c;
        return YearMonth.of((int) Math.floor(c / 12), (int) (c - 12 * Math.floor(c / 12)) + 1).atDay(1).toEpochDay();
    }

    /** The median spacing of the (sorted) stamps in grid units (months for month-start dates); 1 for a single stamp. */
    public double step() {
        double[] c = coordinates();
        int n = c.length;
        if (n < 2) return 1;
        double[] d = new double[n - 1];
        for (int i = 1; i < n; i++) d[i - 1] = c[i] - c[i - 1];
        Arrays.sort(d);
        return d[(n - 1) / 2];
    }

    /** h steps of the median spacing after the last stamp. */
    public double after(int h) {
        double[] c = coordinates();
        return stamp(c[c.length - 1] + h * step());
    }

    /**
     * A series on its time grid: y with a NaN (a gap, for the caller to fill) at each stamp missing between two rows,
     * and the stamps with them; {@code inserted} of them. Nothing is inserted when the rows are not on one grid
     * ({@code offGrid} spacings are not a whole number of median steps) or when the missing stamps would be more than
     * a tenth of the rows (a pattern, such as business days, rather than lost rows): then the rows stay consecutive.
     */
    public record Grid(TimeAxis time, double[] y, int inserted, long missing, int offGrid) {}

    /** See {@link Grid}; the stamps must be sorted and distinct. */
    public Grid grid(double[] y) {
        double[] c = coordinates();
        int n = c.length;
        double step = step();
        long missing = 0;
        int offGrid = 0;
        for (int i = 1; i < n; i++) {
            double k = (c[i] - c[i - 1]) / step;
            long whole = Math.round(k);
            if (Math.abs(k - whole) > 1e-9 * Math.max(1, k)) offGrid++;
            else missing += whole - 1;
        }
        if (missing == 0 || offGrid > 0 || missing > n / 10) return new Grid(this, y, 0, missing, offGrid);
        int m = n + (int) missing;
        double[] v = new double[m], out = new double[m];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                long whole = Math.round((c[i] - c[i - 1]) / step);
                for (long g = 1; g < whole; g++, j++) {
                    v[j] = stamp(c[i - 1] + g * step);
                    out[j] = Double.NaN;
                }
            }
            v[j] = value[i];
            out[j++] = y[i];
        }
        return new Grid(new TimeAxis(kind, v), out, (int) missing, missing, 0);
    }

    /** The step as a reader says it: "1 month", "7 days", "3600 s", "1". */
    public String formatStep() {
        double st = step();
        String num = st == Math.rint(st) ? Long.toString((long) st) : Double.toString(st);
        if (monthStarts()) return num + (st == 1 ? " month" : " months");
        return switch (kind) {
            case NUMBER -> num;
            case MONTH -> num + (st == 1 ? " month" : " months");
            case DATE -> num + (st == 1 ? " day" : " days");
            case DATETIME -> num + " s";
        };
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
