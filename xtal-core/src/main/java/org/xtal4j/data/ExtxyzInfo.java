package org.xtal4j.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key=value pairs of an extended-XYZ comment line, values unquoted: {@code energy=-1.5},
 * {@code Lattice="1 0 0 ..."}, {@code name='x'}, {@code stress={1 2 3}} or {@code [..]}; a bare key
 * is a flag with value {@code T}. Only what the data layer needs for ids and targets; the structure
 * itself is read by the extxyz format.
 */
final class ExtxyzInfo {

    private ExtxyzInfo() {
    }

    static Map<String, String> parse(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            int k0 = i;
            while (i < n && line.charAt(i) != '=' && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            String key = line.substring(k0, i);
            int j = i;
            while (j < n && Character.isWhitespace(line.charAt(j))) {
                j++;
            }
            if (j >= n || line.charAt(j) != '=') {
                out.put(key, "T");
                continue;
            }
            i = j + 1;
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            StringBuilder v = new StringBuilder();
            if (i < n && (line.charAt(i) == '"' || line.charAt(i) == '\'')) {
                char q = line.charAt(i++);
                while (i < n && line.charAt(i) != q) {
                    if (line.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    v.append(line.charAt(i++));
                }
                i++; // closing quote (or end of line)
            } else if (i < n && (line.charAt(i) == '{' || line.charAt(i) == '[')) {
                char close = line.charAt(i) == '{' ? '}' : ']';
                i++;
                while (i < n && line.charAt(i) != close) {
                    v.append(line.charAt(i++));
                }
                i++;
            } else {
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    v.append(line.charAt(i++));
                }
            }
            out.put(key, v.toString().trim());
        }
    }
}
