package io.appliance.config.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged files end in a result or a {@link DrbdConfigException}, never in another exception. */
class DrbdConfigFuzzTest {

    private static final String ALPHABET = "{};\"#\\ \n\tabcxyz0123456789:.[]/-_";

    @Test
    void mutatedExamplesFailOnlyWithPositionedErrors() throws IOException {
        String original = Files.readString(DrbdConfigImporterTest.example("centos/drbd.d/clusterdb.res"))
                + Files.readString(DrbdConfigImporterTest.example("drbd9-mesh.res"));
        DrbdConfigImporter importer = new DrbdConfigImporter();
        Random random = new Random(4);
        int accepted = 0;
        int refused = 0;
        for (int round = 0; round < 3000; round++) {
            StringBuilder text = new StringBuilder(original);
            int edits = 1 + random.nextInt(4);
            for (int edit = 0; edit < edits; edit++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    default -> text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
            try {
                DrbdImport result = importer.importText(text.toString(), "fuzz.res");
                assertThat(result.resources()).allSatisfy(definition -> assertThat(definition.hosts()).hasSize(2));
                accepted++;
            } catch (DrbdConfigException e) {
                assertThat(e.line()).isPositive();
                assertThat(e.column()).isPositive();
                refused++;
            } catch (RuntimeException e) {
                fail("round " + round + " threw " + e + " for:\n" + text, e);
            }
        }
        assertThat(List.of(accepted, refused)).allSatisfy(count -> assertThat(count).isPositive());
    }
}
