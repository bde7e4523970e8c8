package routes;

/**
 * The simple-language text that reads an exchange property, built from its key in
 * {@link sgwarden.change.Keys} so that a key is spelled once: {@code prop(Keys.STORED, "tagging")}
 * is {@code " + prop(Keys.STORED, "tagging") + "}.
 */
final class Prop {

    private Prop() {
    }

    /** The property itself, e.g. to hand to a bean method. */
    static String prop(String key) {
        return "${exchangeProperty." + key + "}";
    }

    /** A field of the property (a dotted path of getters or record components). */
    static String prop(String key, String path) {
        return "${exchangeProperty." + key + "." + path + "}";
    }
}
