package org.xtal4j.models.pet.ecse;

/**
 * ECSE cannot symmetrise a structure: every pair of neighbours inside R_in is (nearly) collinear, or the
 * structure has no pairs at all, and no invariant auxiliary model was given (the reference's "all collinear
 * problem"). Also raised in strict mode when the ensemble is weak (w_aux &gt; epsilon) without an aux model.
 */
public class EcseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EcseException(String message) {
        super(message);
    }
}
