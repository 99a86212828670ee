package org.gru4j.lm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharVocabularyTest {
    @Test
    void distinctCodePointsInOrderWithSupplementaryCharactersWhole() {
        String text = "ba\uD83D\uDC0Bé\nab";                  // b a 🐋 é \n a b
        CharVocabulary v = CharVocabulary.of(text);
        assertEquals(List.of("\n", "a", "b", "é", "\uD83D\uDC0B"), v.asStrings());
        assertArrayEquals(new int[]{2, 1, 4, 3, 0, 1, 2}, v.encode(text, "text"));
        assertEquals(0x1F40B, v.codePoint(4));
        assertEquals(-1, v.id('z'));
    }

    @Test
    void unknownCharacterIsNamedWithItsPosition() {
        CharVocabulary v = CharVocabulary.of("abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("ab\u00e9", "--prime"));
        assertEquals("--prime has the character 'é' (U+00E9) at position 2, which is not in the model's vocabulary of 3 characters", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.encode("a\t", "--prime"));
        assertTrue(e.getMessage().contains("'\\t' (U+0009) at position 1"), e.getMessage());
    }

    @Test
    void fromStringsRoundTripsAndRefusesDuplicatesDisorderAndLongEntries() {
        CharVocabulary v = CharVocabulary.of("hello, world\n\uD83D\uDC0B");
        assertEquals(v.asStrings(), CharVocabulary.of(v.asStrings()).asStrings());
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(List.of("b", "a")));
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(List.of("ab")));
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(List.of("")));
    }
}
