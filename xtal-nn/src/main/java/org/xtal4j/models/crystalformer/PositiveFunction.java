package org.xtal4j.models.crystalformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.xtal4j.nn.Scalars;

/**
 * The map ρ(x̂) > b of the reference's {@code positive_func} (crystalformer.md §6.2), which turns the
 * normalised q·w into the Gaussian width factor. The default {@code elu=0.1} is
 * ρ = (1−b)·ELU(β·x̂/(1−b)) + 1.
 */
public record PositiveFunction(Kind kind, double beta) {

    /** The function families of the reference. */
    public enum Kind { ELU, ABS, SOFTPLUS, EXP, SIGMOID }

    /** Parses "elu=0.1", "abs", "softplus=2", "exp", "sigmoid=1" (β defaults to 1). */
    public static PositiveFunction parse(String spec) {
        String[] parts = spec.split("=", 2);
        double beta = 1.0;
        if (parts.length == 2) {
            try {
                beta = Double.parseDouble(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("positive_func '" + spec + "': bad number");
            }
        }
        Kind k = switch (parts[0]) {
            case "elu" -> Kind.ELU;
            case "abs" -> Kind.ABS;
            case "softplus" -> Kind.SOFTPLUS;
            case "exp" -> Kind.EXP;
            case "sigmoid" -> Kind.SIGMOID;
            default -> throw new IllegalArgumentException("positive_func must be elu, abs, softplus, exp or sigmoid"
                    + " (optionally =β), got '" + spec + "'");
        };
        return new PositiveFunction(k, beta);
    }

    /** ρ(x) with lower bound b, element-wise and differentiable. */
    public NDArray apply(NDArray x, double b) {
        return switch (kind) {
            case ELU -> Scalars.mul(elu(Scalars.mul(x, beta / (1 - b))), 1 - b).add(1.0);
            case ABS -> Scalars.mul(x.abs(), 1 - b).add(b);
            case SOFTPLUS -> {
                NDArray y = Scalars.mul(x.add(Math.log(Math.exp(beta * (1 - b)) - 1) / beta), beta);
                // stable softplus: max(y,0) + log1p(exp(−|y|))
                NDArray sp = Scalars.maximum(y, 0).add(y.abs().neg().exp().add(1.0).log());
                yield Scalars.div(sp, beta).add(b);
            }
            case EXP -> Scalars.mul(Scalars.mul(x, beta / (1 - b)).exp(), 1 - b).add(b);
            case SIGMOID -> Scalars.mul(ai.djl.nn.Activation.sigmoid(Scalars.mul(x, beta * (1 + b) / (1 - b))
                    .add(Math.log(b))), 1 / b - b).add(b);
        };
    }

    /** ELU(z) = z (z > 0), e^z − 1 otherwise; exp of min(z, 0) so the unused branch cannot overflow. */
    static NDArray elu(NDArray z) {
        NDArray neg = Scalars.minimum(z, 0).exp().sub(1.0);
        return NDArrays.where(z.gt(0), z, neg);
    }
}
