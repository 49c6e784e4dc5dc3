package org.xtal4j.symmetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SymmetryOperationTest {

    private static double[] apply(String op, double... f) {
        return SymmetryOperation.parse(op).apply(f);
    }

    @Test
    void parsesTheCommonSpellings() {
        double[] f = {0.1, 0.2, 0.3};
        assertThat(apply("x,y,z", f)).containsExactly(0.1, 0.2, 0.3);
        assertThat(apply("-x+1/2, y, -z", f)).containsExactly(new double[] {0.4, 0.2, -0.3}, within(1e-12));
        assertThat(apply("1/2+y,1/2-x,1/2+z", f)).containsExactly(new double[] {0.7, 0.4, 0.8}, within(1e-12));
        assertThat(apply("x-y, x, z+1/6", f)).containsExactly(new double[] {-0.1, 0.1, 0.3 + 1.0 / 6}, within(1e-12));
        assertThat(apply("X, Y+0.5, 0.5+Z", f)).containsExactly(new double[] {0.1, 0.7, 0.8}, within(1e-12));
        assertThat(apply("'-y+x, -y, -z+2/3'", f)).containsExactly(new double[] {-0.1, -0.2, -0.3 + 2.0 / 3}, within(1e-12));
        assertThat(apply(" + x , -y , z - 1/4 ", f)).containsExactly(new double[] {0.1, -0.2, 0.05}, within(1e-12));
        assertThat(apply("-y,x-y,z", f)).containsExactly(new double[] {-0.2, -0.1, 0.3}, within(1e-12));
    }

    @Test
    void rejectsBadOperationsWithTheReason() {
        assertThatThrownBy(() -> SymmetryOperation.parse("-x,-q,z")).hasMessageContaining("unknown symbol 'q'");
        assertThatThrownBy(() -> SymmetryOperation.parse("-x,-y")).hasMessageContaining("2 components, not 3");
        assertThatThrownBy(() -> SymmetryOperation.parse("x,y,z,+1")).hasMessageContaining("4 components");
        assertThatThrownBy(() -> SymmetryOperation.parse("x,,z")).hasMessageContaining("empty component");
        assertThatThrownBy(() -> SymmetryOperation.parse("x,x,z")).hasMessageContaining("determinant");
        assertThatThrownBy(() -> SymmetryOperation.parse("x,y,1/0")).hasMessageContaining("divides by zero");
        assertThatThrownBy(() -> SymmetryOperation.parse("x,y,z+")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SymmetryOperation.parse("0.5x,y,z")).hasMessageContaining("non-integer");
        assertThatThrownBy(() -> SymmetryOperation.parse("x y z")).hasMessageContaining("1 component");
    }

    @Test
    void writesXyzThatParsesBack() {
        for (String s : new String[] {"x,y,z", "-x+1/2,y,-z+3/4", "x-y,x,z+1/6", "-y+2/3,x-y+1/3,z+1/3"}) {
            SymmetryOperation op = SymmetryOperation.parse(s);
            assertThat(op.toXyz()).isEqualTo(s);
            assertThat(SymmetryOperation.parse(op.toXyz())).isEqualTo(op);
        }
        assertThat(SymmetryOperation.IDENTITY.toXyz()).isEqualTo("x,y,z");
    }

    @Test
    void centringTranslationIsAdded() {
        SymmetryOperation op = SymmetryOperation.parse("-x,-y,-z").plusTranslation(new double[] {0, 0.5, 0.5});
        assertThat(op.toXyz()).isEqualTo("-x,-y+1/2,-z+1/2");
    }
}
