package org.xtal4j.nn.predict;

/** Predictions of one structure in the targets' own units, or the reason it could not be predicted. */
public record Prediction(double[] values, String error) {

    public static Prediction failed(String error) {
        return new Prediction(null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
