package io.aegis.rules;

import java.util.List;

/**
 * A rule's {@code when} expression and where it sits in the rule file, so that a problem CEL
 * reports at (line, column) of the expression is reported at the file's line and column. Plain
 * and quoted one-line scalars, literal blocks ({@code |}) and folded blocks ({@code >}) are
 * mapped exactly; anything else points at the scalar's start.
 */
final class ConditionText {
    enum Style { INLINE, LITERAL, FOLDED }

    final String expression;
    private final int line;
    private final int column;
    private final Style style;
    /** For block scalars: the file's lines and where the content starts (0-based line index). */
    private final List<String> fileLines;
    private final int contentLine;

    ConditionText(String expression, int line, int column, Style style, List<String> fileLines, int contentLine) {
        this.expression = expression;
        this.line = line;
        this.column = column;
        this.style = style;
        this.fileLines = fileLines;
        this.contentLine = contentLine;
    }

    /** File {line, column} (1-based) of the expression's {@code celLine} (1-based), {@code celColumn} (0-based). */
    int[] position(int celLine, int celColumn) {
        switch (style) {
            case LITERAL: {
                // CEL's columns include any indentation beyond the block's own (that of its first line).
                int index = contentLine + Math.max(0, celLine - 1);
                return new int[] {index + 1, indent(contentLine) + celColumn + 1};
            }
            case FOLDED: {
                // Folded lines are joined with one space each: walk them to find the column.
                int remaining = celColumn;
                for (int index = contentLine; index < fileLines.size(); index++) {
                    String content = fileLines.get(index).strip();
                    if (remaining <= content.length() || index == fileLines.size() - 1) {
                        return new int[] {index + 1, indent(index) + remaining + 1};
                    }
                    remaining -= content.length() + 1;
                }
                return new int[] {line, column};
            }
            default:
                return celLine <= 1 ? new int[] {line, column + celColumn} : new int[] {line, column};
        }
    }

    /** The offending text to show under a message: the expression line CEL points into. */
    String lineOf(int celLine) {
        String[] lines = expression.split("\n", -1);
        return lines[Math.min(Math.max(celLine, 1), lines.length) - 1];
    }

    private int indent(int index) {
        if (index >= fileLines.size()) {
            return 0;
        }
        String text = fileLines.get(index);
        int n = 0;
        while (n < text.length() && text.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
