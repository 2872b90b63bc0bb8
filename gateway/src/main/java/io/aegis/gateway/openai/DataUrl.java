package io.aegis.gateway.openai;

/** A {@code data:MEDIA;base64,DATA} URL's parts; the data stays base64, as both providers take it. */
record DataUrl(String mediaType, String base64) {
    static DataUrl parse(String url) {
        if (!url.startsWith("data:")) {
            return null;
        }
        int comma = url.indexOf(',');
        int marker = url.lastIndexOf(";base64", comma);
        if (comma < 0 || marker < 5 || marker + 7 != comma) {
            return null;
        }
        String mediaType = url.substring(5, marker);
        return mediaType.isEmpty() ? null : new DataUrl(mediaType, url.substring(comma + 1));
    }
}
