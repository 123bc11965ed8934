package io.appliance.replication.state;

import static io.appliance.replication.state.Handshakes.W;
import static io.appliance.replication.state.Handshakes.X;
import static io.appliance.replication.state.Handshakes.Y;
import static io.appliance.replication.state.Handshakes.Z;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GenerationIdsTest {

    @Test
    void justCreatedHasOnlyTheMarker() {
        GenerationIds ids = GenerationIds.justCreated();
        assertThat(ids).isEqualTo(new GenerationIds(4, 0, 0, 0));
        assertThat(ids.isJustCreated()).isTrue();
        assertThat(new GenerationIds(X, 0, 0, 0).isJustCreated()).isFalse();
        assertThat(new GenerationIds(0, 0, 0, 0).isJustCreated()).isTrue();
    }

    @Test
    void newCurrentStartsTheBitmapAtTheOldCurrent() {
        GenerationIds ids = new GenerationIds(X, 0, W, 0).newCurrent(Y);
        assertThat(ids).isEqualTo(new GenerationIds(Y, X, W, 0));
    }

    @Test
    void noNewCurrentWhileABitmapGenerationIsSet() {
        GenerationIds ids = new GenerationIds(Y, X, W, Z);
        assertThat(ids.newCurrent(0x6000)).isSameAs(ids);
    }

    @Test
    void newCurrentOfBlankMetadataRemembersJustCreatedAsBitmap() {
        GenerationIds ids = GenerationIds.justCreated().newCurrent(Y);
        assertThat(ids).isEqualTo(new GenerationIds(Y, GenerationIds.JUST_CREATED, 0, 0));
        assertThat(ids.isJustCreated()).isFalse();
        assertThat(ids.pastGenerations()).as("JUST_CREATED is no generation").isEmpty();
    }

    @Test
    void newCurrentKeepsThePrimaryFlagOnTheNewCurrent() {
        GenerationIds primary = new GenerationIds(X, 0, 0, 0).withPrimaryFlag(true);
        GenerationIds ids = primary.newCurrent(Y);
        assertThat(ids.current()).isEqualTo(Y | 1);
        assertThat(ids.primaryFlag()).isTrue();
        assertThat(ids.bitmap()).isEqualTo(X | 1);
        assertThat(ids.bitmapPrimaryFlag()).isTrue();
    }

    @Test
    void withPrimaryFlagSetsAndClearsOnlyTheLowBit() {
        GenerationIds ids = new GenerationIds(X, Y, Z, W);
        assertThat(ids.withPrimaryFlag(true)).isEqualTo(new GenerationIds(X | 1, Y, Z, W));
        assertThat(ids.withPrimaryFlag(true).withPrimaryFlag(false)).isEqualTo(ids);
        assertThat(GenerationIds.generation(X | 1)).isEqualTo(X);
    }

    @Test
    void clearBitmapUuidMovesTheBitmapIntoHistory() {
        assertThat(new GenerationIds(Y, X, W, Z).clearBitmapUuid()).isEqualTo(new GenerationIds(Y, 0, X, W));
        GenerationIds inSync = new GenerationIds(Y, 0, X, W);
        assertThat(inSync.clearBitmapUuid()).isSameAs(inSync);
    }

    @Test
    void adoptFromTakesTheSourceCurrentAndKeepsTheOldOneInHistory() {
        GenerationIds target = new GenerationIds(X, 0, W, 0);
        GenerationIds source = new GenerationIds(Y | 1, X, W, 0);
        assertThat(target.adoptFrom(source)).isEqualTo(new GenerationIds(Y, 0, X, W));
    }

    @Test
    void adoptFromKeepsTheTargetsOwnPrimaryFlag() {
        GenerationIds target = new GenerationIds(X | 1, 0, 0, 0);
        assertThat(target.adoptFrom(new GenerationIds(Y, X, 0, 0)).current()).isEqualTo(Y | 1);
    }

    @Test
    void adoptFromTheSameGenerationLeavesHistory() {
        GenerationIds target = new GenerationIds(Y, 0, X, W);
        assertThat(target.adoptFrom(new GenerationIds(Y, X, W, 0))).isEqualTo(new GenerationIds(Y, 0, X, W));
    }

    @Test
    void afterAResyncBothNodesAreInSync() {
        GenerationIds source = new GenerationIds(X, 0, 0, 0).newCurrent(Y);
        GenerationIds target = new GenerationIds(X, 0, 0, 0);
        GenerationIds adopted = target.adoptFrom(source);
        GenerationIds cleared = source.clearBitmapUuid();
        assertThat(adopted).isEqualTo(cleared).isEqualTo(new GenerationIds(Y, 0, X, 0));
    }

    @Test
    void skipInitialSyncClearsTheBitmapKeepsHistory() {
        GenerationIds ids = new GenerationIds(GenerationIds.JUST_CREATED, X, W, 0).skipInitialSync(Y);
        assertThat(ids).isEqualTo(new GenerationIds(Y, 0, W, 0));
    }

    @Test
    void freshValuesAreChecked() {
        GenerationIds ids = new GenerationIds(X, 0, 0, 0);
        assertThatThrownBy(() -> ids.newCurrent(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not a fresh generation identifier: 0000000000000000");
        assertThatThrownBy(() -> ids.newCurrent(GenerationIds.JUST_CREATED))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ids.newCurrent(Y | 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ids.skipInitialSync(5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newGenerationIsAlwaysUsable() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long fresh = GenerationIds.newGeneration(random);
            assertThat(GenerationIds.isGeneration(fresh)).isTrue();
            assertThat(fresh & 1).isZero();
        }
        assertThat(GenerationIds.newGeneration(new ZeroThenFour())).isEqualTo(0x10);
    }

    @Test
    void historyAndPastIgnoreNoneAndFlags() {
        GenerationIds ids = new GenerationIds(Y, X | 1, 0, W);
        assertThat(ids.pastGenerations()).containsExactly(X, W);
        assertThat(ids.historyContains(W | 1)).isTrue();
        assertThat(ids.historyContains(X)).as("bitmap is not history").isFalse();
        assertThat(ids.historyContains(0)).isFalse();
    }

    @Test
    void rendersLikeDrbd() {
        assertThat(new GenerationIds(0xABCDEF0123456789L, 4, 0, 1).render())
            .isEqualTo("ABCDEF0123456789:0000000000000004:0000000000000000:0000000000000001");
    }

    /** Yields 0, then 4 (5 masked), then 0x10. */
    private static final class ZeroThenFour implements java.util.random.RandomGenerator {
        private int calls;

        @Override
        public long nextLong() {
            calls++;
            return switch (calls) {
                case 1 -> 0;
                case 2 -> 5;
                default -> 0x11;
            };
        }
    }
}
