/**
 * Helpers of {@code xtal bench}: the report (table and JSON), FLOP estimates per sample, the supercells and
 * the CSV/PNG output of the scaling mode. The command itself is {@code org.xtal4j.cli.BenchCommand}.
 */
package org.xtal4j.cli.bench;
