package org.xtal4j.io.cif;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.xtal4j.io.StructureParseException;

/**
 * Parses CIF 1.1 text into data blocks. Strict where a lenient reader would silently lose data
 * (loops whose value count is not a multiple of the tag count, tags without values, values
 * without tags, content before the first {@code data_}); tolerant of a value-less last tag such as
 * a trailing {@code _eof}.
 */
public final class CifParser {

    private CifParser() {
    }

    /**
     * All data blocks of the text.
     *
     * @throws StructureParseException naming the source, line and problem
     */
    public static List<CifBlock> parse(String text, String source, Consumer<String> warnings) {
        CifLexer lexer = new CifLexer(text, source);
        List<CifBlock> blocks = new ArrayList<>();
        CifBlock.Builder current = null;
        CifToken tok = lexer.next();
        while (tok.kind() != CifToken.Kind.EOF) {
            switch (tok.kind()) {
                case DATA:
                    if (current != null) {
                        blocks.add(current.build());
                    }
                    current = CifBlock.builder(tok.text(), tok.line());
                    tok = lexer.next();
                    break;
                case TAG: {
                    requireBlock(current, tok, source);
                    CifToken value = lexer.next();
                    if (value.kind() == CifToken.Kind.VALUE) {
                        current.add(tok, value.value());
                        tok = lexer.next();
                    } else if (value.kind() == CifToken.Kind.EOF || value.kind() == CifToken.Kind.DATA) {
                        // e.g. a trailing "_eof": nothing follows, so nothing is lost
                        if (!CifBlock.normalize(tok.text()).equals("_eof")) {
                            warnings.accept(source + ":" + tok.line() + ": tag " + tok.text()
                                    + " has no value at the end of its block; ignored");
                        }
                        tok = value;
                    } else {
                        throw new StructureParseException(source, tok.line(), "tag " + tok.text() + " has no value");
                    }
                    break;
                }
                case LOOP:
                    requireBlock(current, tok, source);
                    tok = loop(lexer, tok, current, source);
                    break;
                case VALUE:
                    if (current == null) {
                        throw new StructureParseException(source, tok.line(), "'" + shorten(tok.text())
                                + "' comes before any data_ block header; this is not a CIF file");
                    }
                    throw new StructureParseException(source, tok.line(),
                            "value '" + shorten(tok.text()) + "' has no tag (a loop with too many values or a stray word?)");
                default:
                    throw new StructureParseException(source, tok.line(),
                            "'" + tok.text() + "': save frames and global_ blocks are not supported in structure files");
            }
        }
        if (current != null) {
            blocks.add(current.build());
        }
        if (blocks.isEmpty()) {
            throw new StructureParseException(source, 0, text.isBlank()
                    ? "the file is empty" : "no data_ block found; this is not a CIF file");
        }
        return blocks;
    }

    private static CifToken loop(CifLexer lexer, CifToken loopTok, CifBlock.Builder block, String source) {
        List<CifToken> tags = new ArrayList<>();
        CifToken tok = lexer.next();
        while (tok.kind() == CifToken.Kind.TAG) {
            tags.add(tok);
            tok = lexer.next();
        }
        if (tags.isEmpty()) {
            throw new StructureParseException(source, loopTok.line(), "loop_ has no tags");
        }
        List<CifValue> values = new ArrayList<>();
        while (tok.kind() == CifToken.Kind.VALUE) {
            values.add(tok.value());
            tok = lexer.next();
        }
        if (values.isEmpty()) {
            throw new StructureParseException(source, loopTok.line(), "loop_ of " + tags.get(0).text()
                    + " has no values" + (tok.kind() == CifToken.Kind.EOF ? " (the file ends there: is it cut off?)" : ""));
        }
        if (values.size() % tags.size() != 0) {
            int lastLine = values.get(values.size() - 1).line();
            throw new StructureParseException(source, loopTok.line(), "loop_ of " + tags.get(0).text() + " has "
                    + values.size() + " values for " + tags.size() + " tags (not a multiple; last value on line "
                    + lastLine + " — is the file cut off?)");
        }
        block.addLoop(tags, values);
        return tok;
    }

    private static void requireBlock(CifBlock.Builder current, CifToken tok, String source) {
        if (current == null) {
            String what = tok.kind() == CifToken.Kind.LOOP ? "loop_" : "tag " + tok.text();
            throw new StructureParseException(source, tok.line(), what + " comes before any data_ block header");
        }
    }

    private static String shorten(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 40 ? one.substring(0, 37) + "..." : one;
    }
}
