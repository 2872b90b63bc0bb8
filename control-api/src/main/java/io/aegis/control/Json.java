package io.aegis.control;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON setup of the control API: money as plain decimals ({@code 12.5}, never {@code 1.25E+1}). */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
