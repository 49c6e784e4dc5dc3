package org.xtal4j.data;

/**
 * A record as read from the source, before its structure is parsed. {@code problem} is set when the
 * row is already known to be bad (wrong cell count, a target that is not a number): it is then
 * reported as a {@link RecordError} in row order like a parse failure.
 */
record PendingRecord(RecordInfo info, String source, StructureTask task, String problem) {

    static PendingRecord ok(RecordInfo info, String source, StructureTask task) {
        return new PendingRecord(info, source, task, null);
    }

    static PendingRecord bad(RecordInfo info, String source, String problem) {
        return new PendingRecord(info, source, null, problem);
    }
}
