package io.courier.gateway.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a record key out of a JSON body at a JSON pointer (RFC 6901) so that the key is the one the service
 * will see, or the request is refused: the whole body must be one JSON value (RFC 8259) with nothing after
 * it, no object may name a member twice (parsers disagree on which one wins), and a number keeps the text
 * it was written with ({@code 1.0} stays {@code 1.0}, never {@code 1}). Reads the body once, as a stream of
 * tokens, without building a tree. Stateless and thread-safe.
 */
final class JsonKey {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonKey() {}

  /** What the walk found at the pointer. */
  private static final class Found {
    String text;
    JsonToken token;
  }

  /**
   * @return the text at {@code pointer}: a string's value, a number's literal, {@code true} or {@code false}
   * @throws GatewayException {@link GatewayError#MALFORMED_BODY} when the body is not one JSON value, has
   *     trailing data or a member twice; {@link GatewayError#MISSING_KEY} when there is nothing usable at the
   *     pointer (absent, {@code null}, an object or an array)
   */
  static String find(JsonPointer pointer, byte[] body) {
    if (body.length >= 2 && (body[0] == 0 || body[1] == 0 || (body[0] & 0xFF) >= 0xFE)) {
      // UTF-16 or UTF-32 (or their byte order marks): Jackson would guess the encoding, a service may not
      throw malformed("the body must be JSON in UTF-8 (RFC 8259)");
    }
    Found found = new Found();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() == null) {
        throw malformed("the body is empty");
      }
      walk(parser, pointer, found);
      if (parser.nextToken() != null) {
        throw malformed("the body has more after its JSON value" + at(parser.currentTokenLocation()));
      }
    } catch (StreamConstraintsException e) {
      // Valid JSON, perhaps, but beyond what the reader takes: say so rather than call it invalid.
      StreamReadConstraints limits = JSON.streamReadConstraints();
      throw malformed(
          "the body goes beyond what the gateway reads as JSON: nesting deeper than " + limits.getMaxNestingDepth()
              + " levels, or a number longer than " + limits.getMaxNumberLength() + " characters");
    } catch (JsonProcessingException e) {
      throw malformed("the body is not valid JSON" + at(e.getLocation()));
    } catch (IOException e) {
      throw malformed("the body is not valid JSON");
    }
    if (found.token == null || found.token == JsonToken.VALUE_NULL || found.text == null) {
      throw new GatewayException(
          GatewayError.MISSING_KEY, "the body has no text, number or boolean at " + pointer + " for the record key");
    }
    if (hasLoneSurrogate(found.text)) {
      throw malformed("the value at " + pointer + " is not valid Unicode (an unpaired surrogate escape)");
    }
    return found.text;
  }

  /** Whether {@code text} holds half a surrogate pair, which no UTF-8 byte sequence can carry. */
  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Walks the value the parser stands on. {@code pointer} is what is left of the pointer relative to this
   * value, or {@code null} when this value is off the pointer's path.
   */
  private static void walk(JsonParser parser, JsonPointer pointer, Found found) throws IOException {
    boolean here = pointer != null && pointer.matches();
    JsonToken token = parser.currentToken();
    if (here) {
      found.token = token;
    }
    if (token == JsonToken.START_OBJECT) {
      Set<String> names = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        if (names == null) {
          names = new HashSet<>();
        }
        if (!names.add(name)) {
          throw malformed("the body names the member \"" + name + "\" twice in one object" + at(parser.currentTokenLocation()));
        }
        parser.nextToken();
        walk(parser, pointer != null && !here && pointer.matchesProperty(name) ? pointer.tail() : null, found);
      }
    } else if (token == JsonToken.START_ARRAY) {
      int index = 0;
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        walk(parser, pointer != null && !here && pointer.matchesElement(index) ? pointer.tail() : null, found);
        index++;
      }
    } else if (here && token.isScalarValue() && token != JsonToken.VALUE_NULL) {
      found.text = parser.getText(); // for numbers, the literal as written
    }
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static GatewayException malformed(String detail) {
    return new GatewayException(GatewayError.MALFORMED_BODY, detail);
  }
}
