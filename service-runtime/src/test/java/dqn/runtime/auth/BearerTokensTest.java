package dqn.runtime.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

  @Test
  void withoutTokensEveryCallProceeds() {
    BearerTokens none = BearerTokens.of("dqn.inference.auth.tokens", List.of());
    assertFalse(none.required());
    assertEquals(Optional.empty(), none.refusal(null));
    assertEquals(Optional.empty(), none.refusal("Bearer anything"));
  }

  @Test
  void withTokensOnlyAnAcceptedBearerTokenProceeds() {
    BearerTokens tokens = BearerTokens.of("dqn.inference.auth.tokens", List.of("alpha", "beta"));
    assertTrue(tokens.required());
    assertEquals(2, tokens.count());
    assertEquals(Optional.empty(), tokens.refusal("Bearer beta"));
    assertEquals(Optional.empty(), tokens.refusal("Bearer  alpha "));
    assertEquals(
        Optional.of("this server requires the header 'authorization: Bearer <token>'"),
        tokens.refusal(null));
    for (String wrong : List.of("Bearer gamma", "beta", "Basic YmV0YQ==", "Bearer ", "bearer beta")) {
      assertEquals(
          Optional.of("the bearer token in the 'authorization' header is not accepted"),
          tokens.refusal(wrong),
          wrong);
    }
  }

  @Test
  void blankTokensAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BearerTokens.of("dqn.inference.auth.tokens", List.of("a", " ")));
    assertTrue(e.getMessage().contains("dqn.inference.auth.tokens"), e.getMessage());
  }
}
