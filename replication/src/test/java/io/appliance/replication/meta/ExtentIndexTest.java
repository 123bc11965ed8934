package io.appliance.replication.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExtentIndexTest {

    @Test
    void behavesLikeAMapUnderRandomPutsAndRemovals() {
        int capacity = 61;
        ExtentIndex index = new ExtentIndex(capacity);
        Map<Long, Integer> model = new HashMap<>();
        Random random = new Random(9);

        for (int step = 0; step < 200_000; step++) {
            // few distinct keys with colliding low bits make long probe runs and wrap-arounds
            long extent = random.nextInt(400) * 128L;
            if (model.size() < capacity && random.nextBoolean()) {
                int slot = random.nextInt(capacity);
                index.put(extent, slot);
                model.put(extent, slot);
            } else {
                index.remove(extent);
                model.remove(extent);
            }
            long probe = random.nextInt(400) * 128L;
            assertThat(index.get(probe)).isEqualTo(model.getOrDefault(probe, -1));
        }
        for (Map.Entry<Long, Integer> entry : model.entrySet()) {
            assertThat(index.get(entry.getKey())).isEqualTo(entry.getValue());
        }
    }
}
