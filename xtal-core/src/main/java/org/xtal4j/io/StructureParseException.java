package org.xtal4j.io;

/**
 * A structure file could not be read. The message always names the source (file name or record
 * id), the line (when known, 1-based) and the problem: {@code "Si.cif:12: _cell_length_a is 'five', not a number"}.
 */
public class StructureParseException extends RuntimeException {

    private final String source;
    private final int line;
    private final String problem;

    /**
     * @param source file name or record id
     * @param line 1-based line number, or 0 when no line applies
     * @param problem what is wrong, in words a user understands
     */
    public StructureParseException(String source, int line, String problem) {
        this(source, line, problem, null);
    }

    public StructureParseException(String source, int line, String problem, Throwable cause) {
        super(format(source, line, problem), cause);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    public String source() {
        return source;
    }

    /** 1-based line, 0 when unknown. */
    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }

    private static String format(String source, int line, String problem) {
        String s = source == null ? "<input>" : source;
        return line > 0 ? s + ":" + line + ": " + problem : s + ": " + problem;
    }
}
