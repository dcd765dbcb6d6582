package com.chimpy.pos.auth.autoconfigure;

/**
 * A {@code pos.*} property is missing or wrong. Names the property, what is wrong and how
 * to fix it; never contains a secret value.
 */
public class InvalidPosPropertyException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String problem;

	private final String action;

	/**
	 * Create an exception.
	 * @param property the full property name, for example {@code pos.auth.token-uri}
	 * @param problem what is wrong
	 * @param action how to fix it
	 */
	public InvalidPosPropertyException(String property, String problem, String action) {
		super("Invalid configuration property '" + property + "': " + problem + ". " + action);
		this.property = property;
		this.problem = problem;
		this.action = action;
	}

	/**
	 * The full name of the property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * What is wrong with the property.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * How to fix it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
