package io.aegis.control;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON setup of the control API: money read as exact decimals (never through a double)
 * and written plain ({@code 0.000001}, never {@code 1.0E-6}).
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
