package org.xtal4j.cli;

/** A failure whose message is already the complete {@code file: problem} text to print. */
final class CliFailure extends RuntimeException {

    CliFailure(String message) {
        super(message);
    }

    CliFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
