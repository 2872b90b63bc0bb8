package io.aegis.rules;

/** The compiled forms of a condition: typed nodes that read the request and never allocate. */
final class Nodes {
    private Nodes() {
    }

    /** A predicate: {@link Evaluation#TRUE}, {@link Evaluation#FALSE} or {@link Evaluation#ERROR}. */
    interface Bool {
        byte test(RequestView request, Evaluation evaluation);
    }

    /** An integer value; on error sets {@link Evaluation#failed}. */
    interface Int {
        long value(RequestView request, Evaluation evaluation);
    }

    /** A floating-point value. */
    interface Real {
        double value(RequestView request, Evaluation evaluation);
    }

    /** A string value, or {@code null} on error (such as a missing header). */
    interface Text {
        String value(RequestView request, Evaluation evaluation);
    }

    static byte of(boolean value) {
        return value ? Evaluation.TRUE : Evaluation.FALSE;
    }

    /** CEL's {@code &&}: false wins over error, error over true. */
    static Bool and(Bool left, Bool right) {
        return (request, evaluation) -> {
            byte a = left.test(request, evaluation);
            if (a == Evaluation.FALSE) {
                return Evaluation.FALSE;
            }
            byte b = right.test(request, evaluation);
            if (b == Evaluation.FALSE) {
                return Evaluation.FALSE;
            }
            return a == Evaluation.ERROR || b == Evaluation.ERROR ? Evaluation.ERROR : Evaluation.TRUE;
        };
    }

    /** CEL's {@code ||}: true wins over error, error over false. */
    static Bool or(Bool left, Bool right) {
        return (request, evaluation) -> {
            byte a = left.test(request, evaluation);
            if (a == Evaluation.TRUE) {
                return Evaluation.TRUE;
            }
            byte b = right.test(request, evaluation);
            if (b == Evaluation.TRUE) {
                return Evaluation.TRUE;
            }
            return a == Evaluation.ERROR || b == Evaluation.ERROR ? Evaluation.ERROR : Evaluation.FALSE;
        };
    }

    static Bool not(Bool operand) {
        return (request, evaluation) -> {
            byte a = operand.test(request, evaluation);
            return a == Evaluation.ERROR ? a : a == Evaluation.TRUE ? Evaluation.FALSE : Evaluation.TRUE;
        };
    }

    /** Evaluated at most once per request however many rules share it. */
    static Bool memo(int id, Bool inner) {
        return (request, evaluation) -> {
            if (evaluation.stamps[id] == evaluation.generation) {
                return evaluation.values[id];
            }
            byte value = inner.test(request, evaluation);
            evaluation.values[id] = value;
            evaluation.stamps[id] = evaluation.generation;
            return value;
        };
    }

    /** A predicate over values that may have failed: an error in them makes the predicate an error. */
    static byte checked(Evaluation evaluation, boolean value) {
        if (evaluation.failed) {
            evaluation.failed = false;
            return Evaluation.ERROR;
        }
        return of(value);
    }

    static long addExact(long a, long b, Evaluation evaluation) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            evaluation.failed = true;
        }
        return r;
    }

    static long subtractExact(long a, long b, Evaluation evaluation) {
        long r = a - b;
        if (((a ^ b) & (a ^ r)) < 0) {
            evaluation.failed = true;
        }
        return r;
    }

    static long multiplyExact(long a, long b, Evaluation evaluation) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if ((high != 0 || low < 0) && (high != -1 || low >= 0)) {
            evaluation.failed = true;
        }
        return low;
    }

    static long divide(long a, long b, Evaluation evaluation) {
        if (b == 0 || (a == Long.MIN_VALUE && b == -1)) {
            evaluation.failed = true;
            return 0;
        }
        return a / b;
    }

    static long modulo(long a, long b, Evaluation evaluation) {
        if (b == 0 || (a == Long.MIN_VALUE && b == -1)) {
            evaluation.failed = true;
            return 0;
        }
        return a % b;
    }

    static long negate(long a, Evaluation evaluation) {
        if (a == Long.MIN_VALUE) {
            evaluation.failed = true;
        }
        return -a;
    }
}
