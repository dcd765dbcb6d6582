package com.chimpy.pos.auth.benchmarks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one results table: a row per figure, a column per contender, the target for (a) and
 * whether it was met; plus the notes that explain each target's outcome.
 */
final class Report {

	private final List<String[]> rows = new ArrayList<>();

	private final List<String> verdicts = new ArrayList<>();

	private final List<Table> tables = new ArrayList<>();

	/**
	 * Start a table of its own for a scenario whose columns are not the three contenders.
	 * @param title the heading of the table
	 * @param columns the headings of the value columns
	 * @return the table, to add rows to
	 */
	Table table(String title, String... columns) {
		Table table = new Table(title, columns);
		this.tables.add(table);
		return table;
	}

	/**
	 * The tables of the scenarios with columns of their own, each under its heading.
	 * @return the markdown of the tables
	 */
	String tables() {
		StringBuilder out = new StringBuilder();
		for (Table table : this.tables) {
			out.append("### ").append(table.title).append("\n\n").append(table.markdown()).append('\n');
		}
		return out.toString();
	}

	Row row(String scenario, String figure) {
		return new Row(scenario, figure);
	}

	/**
	 * Record the outcome of one target for (a), with the explanation to print in
	 * RESULTS.md.
	 * @param target the target figure
	 * @param measured the measured figure
	 * @param met whether the target was met
	 * @param why the explanation of the verdict
	 */
	void verdict(String target, String measured, boolean met, String why) {
		this.verdicts
			.add("| " + target + " | " + measured + " | " + (met ? "**met**" : "**missed**") + " | " + why + " |");
	}

	/**
	 * Add the outcome to the target cell of a row added before.
	 * @param scenario the scenario
	 * @param figure the figure's name
	 * @param met whether the target was met
	 */
	void mark(String scenario, String figure, boolean met) {
		for (String[] row : this.rows) {
			if (row[0].equals(scenario) && row[1].equals(figure)) {
				row[5] = row[5] + (met ? ": **met**" : ": **missed**");
				return;
			}
		}
		throw new IllegalArgumentException("No row " + scenario + " / " + figure);
	}

	String table() {
		StringBuilder out = new StringBuilder();
		out.append("| scenario | figure | ")
			.append(Contender.Kind.POS_AUTH.label)
			.append(" | ")
			.append(Contender.Kind.STOCK.label)
			.append(" | ")
			.append(Contender.Kind.FIXED.label)
			.append(" | target for (a) |\n");
		out.append("|---|---|---|---|---|---|\n");
		for (String[] row : this.rows) {
			out.append("| ").append(String.join(" | ", row)).append(" |\n");
		}
		return out.toString();
	}

	String verdicts() {
		return "| target for (a) | measured | outcome | why |\n|---|---|---|---|\n" + String.join("\n", this.verdicts)
				+ "\n";
	}

	/**
	 * One row under construction.
	 */
	final class Row {

		private final String scenario;

		private final String figure;

		private final Map<Contender.Kind, String> values = new EnumMap<>(Contender.Kind.class);

		private String target = "";

		private Row(String scenario, String figure) {
			this.scenario = scenario;
			this.figure = figure;
		}

		Row value(Contender.Kind kind, Object value) {
			this.values.put(kind, String.valueOf(value));
			return this;
		}

		Row target(String target) {
			this.target = target;
			return this;
		}

		void add() {
			Report.this.rows
				.add(new String[] { this.scenario, this.figure, this.values.getOrDefault(Contender.Kind.POS_AUTH, ""),
						this.values.getOrDefault(Contender.Kind.STOCK, ""),
						this.values.getOrDefault(Contender.Kind.FIXED, ""), this.target });
		}

	}

	/**
	 * A table of one scenario: a row per figure, a column per variant, and the target.
	 */
	static final class Table {

		private final String title;

		private final String[] columns;

		private final List<String[]> rows = new ArrayList<>();

		private Table(String title, String[] columns) {
			this.title = title;
			this.columns = columns;
		}

		/**
		 * Add a row.
		 * @param figure the figure's name
		 * @param target the target, or an empty string
		 * @param values one value per column
		 * @return this table
		 */
		Table row(String figure, String target, String... values) {
			String[] row = new String[this.columns.length + 2];
			row[0] = figure;
			for (int i = 0; i < this.columns.length; i++) {
				row[i + 1] = (i < values.length) ? values[i] : "";
			}
			row[row.length - 1] = target;
			this.rows.add(row);
			return this;
		}

		String markdown() {
			StringBuilder out = new StringBuilder("| figure | ").append(String.join(" | ", this.columns))
				.append(" | target |\n|---|");
			out.append("---|".repeat(this.columns.length + 1)).append('\n');
			for (String[] row : this.rows) {
				out.append("| ").append(String.join(" | ", row)).append(" |\n");
			}
			return out.toString();
		}

	}

}
