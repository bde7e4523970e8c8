package deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The environment a compute stack gives the service's container, read from the templates themselves:
 * its Environment and Secrets (Express Mode) or RuntimeEnvironmentVariables and
 * RuntimeEnvironmentSecrets (App Runner), with the stack's parameters, conditions and the shared
 * stack's exports resolved. A secret arrives as its value, and a secret's value on a first deployment
 * is what the shared stack seeds it with (a GenerateSecretString seed becomes a random string, as AWS
 * would make it). So a test starting the service with this environment starts it as the stack does,
 * and a change to a template that the service cannot start with fails that test.
 *
 * <p>Only the intrinsic functions the environment uses are evaluated (Ref, Fn::If, Fn::Sub,
 * Fn::ImportValue, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Join, Fn::Select, Fn::Split); another one
 * fails the read, naming it.
 */
final class ContainerEnvironment {

    static final String SHARED = "deploy/cloudformation/security-shared.yaml";
    private static final Object NO_VALUE = new Object();
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!]+)}");

    private ContainerEnvironment() {
    }

    /**
     * @param root the project directory
     * @param compute the compute template, relative to root
     * @param parameters the compute stack's parameters as the operator gives them (the rest take their defaults)
     * @param sharedParameters the shared stack's parameters without defaults (OrganizationId, ExternalId, ...)
     * @param sharedResources physical IDs of the shared stack's resources other than secrets (Table, Queue)
     * @param region the stacks' region (AWS::Region)
     */
    static Map<String, String> firstDeploy(Path root, String compute, Map<String, String> parameters,
            Map<String, String> sharedParameters, Map<String, String> sharedResources, String region)
            throws IOException {
        Stack shared = new Stack(read(root.resolve(SHARED)), sharedParameters, region);
        Stack stack = new Stack(read(root.resolve(compute)), parameters, region);
        shared.stackName = stack.parameter("SharedStackName");
        shared.resources = sharedResources;
        stack.shared = shared;
        Map<String, Object> service = map(map(stack.template.get("Resources")).get("Service"));
        Map<String, String> env = new LinkedHashMap<>();
        collect(stack, service, env);
        return env;
    }

    /** Every Name/Value (or Name/ValueFrom) under the container's environment and secrets lists. */
    private static void collect(Stack stack, Object node, Map<String, String> env) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (List.of("Environment", "Secrets", "RuntimeEnvironmentVariables", "RuntimeEnvironmentSecrets")
                        .contains(e.getKey())) {
                    for (Object item : (List<?>) e.getValue()) {
                        Object resolved = stack.resolve(item);
                        if (resolved == NO_VALUE) {
                            continue;
                        }
                        Map<String, Object> pair = map(resolved);
                        Object value = pair.containsKey("ValueFrom") ? pair.get("ValueFrom") : pair.get("Value");
                        env.put((String) pair.get("Name"), (String) value);
                    }
                } else {
                    collect(stack, e.getValue(), env);
                }
            }
        }
    }

    /** One template with its parameters, evaluated as CloudFormation would on create. */
    private static final class Stack {
        final Map<String, Object> template;
        final Map<String, String> given;
        final String region;
        /** The shared stack's name (its exports' prefix), its resources' physical IDs, and the compute's shared stack. */
        String stackName;
        Map<String, String> resources = Map.of();
        Stack shared;

        Stack(Map<String, Object> template, Map<String, String> given, String region) {
            this.template = template;
            this.given = given;
            this.region = region;
        }

        String parameter(String name) {
            if (given.containsKey(name)) {
                return given.get(name);
            }
            Map<String, Object> declared = map(map(template.get("Parameters")).get(name));
            if (declared == null) {
                throw new IllegalArgumentException("no parameter " + name);
            }
            if (!declared.containsKey("Default")) {
                throw new IllegalArgumentException("parameter " + name + " has no default: give it");
            }
            return String.valueOf(declared.get("Default"));
        }

        Object ref(String name) {
            switch (name) {
                case "AWS::NoValue" :
                    return NO_VALUE;
                case "AWS::Region" :
                    return region;
                case "AWS::Partition" :
                    return "aws";
                case "AWS::URLSuffix" :
                    return "amazonaws.com";
                case "AWS::AccountId" :
                    return "123456789012";
                case "AWS::StackName" :
                    return stackName;
                default :
            }
            Map<String, Object> parameters = map(template.get("Parameters"));
            if (parameters != null && parameters.containsKey(name)) {
                return parameter(name);
            }
            Map<String, Object> resource = map(map(template.get("Resources")).get(name));
            if (resource == null) {
                throw new IllegalArgumentException("Ref to nothing: " + name);
            }
            if ("AWS::SecretsManager::Secret".equals(resource.get("Type"))) {
                // what a container given this secret sees: its value, as the stack seeded it
                Map<String, Object> properties = map(resource.get("Properties"));
                if (properties.containsKey("SecretString")) {
                    return resolve(properties.get("SecretString"));
                }
                Map<String, Object> generate = map(properties.get("GenerateSecretString"));
                return random(((Number) generate.get("PasswordLength")).intValue());
            }
            if (!resources.containsKey(name)) {
                throw new IllegalArgumentException("give the physical ID of resource " + name);
            }
            return resources.get(name);
        }

        Object resolve(Object node) {
            if (node instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                for (Object item : list) {
                    Object r = resolve(item);
                    if (r != NO_VALUE) {
                        out.add(r);
                    }
                }
                return out;
            }
            if (!(node instanceof Map<?, ?> m)) {
                return node;
            }
            if (m.size() == 1) {
                String key = (String) m.keySet().iterator().next();
                Object arg = m.values().iterator().next();
                if (key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition")) {
                    return function(key, arg);
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                Object r = resolve(v);
                if (r != NO_VALUE) {
                    out.put((String) k, r);
                }
            });
            return out;
        }

        private Object function(String name, Object arg) {
            switch (name) {
                case "Ref" :
                    return ref((String) arg);
                case "Condition" :
                    return condition((String) arg);
                case "Fn::If" : {
                    List<?> a = (List<?>) arg;
                    return resolve(condition((String) a.get(0)) ? a.get(1) : a.get(2));
                }
                case "Fn::Equals" : {
                    List<?> a = (List<?>) arg;
                    return String.valueOf(resolve(a.get(0))).equals(String.valueOf(resolve(a.get(1))));
                }
                case "Fn::Not" :
                    return !(Boolean) resolve(((List<?>) arg).get(0));
                case "Fn::And" :
                    return ((List<?>) arg).stream().allMatch(c -> (Boolean) resolve(c));
                case "Fn::Or" :
                    return ((List<?>) arg).stream().anyMatch(c -> (Boolean) resolve(c));
                case "Fn::Sub" :
                    return sub(arg);
                case "Fn::Join" : {
                    List<?> a = (List<?>) arg;
                    Object items = resolve(a.get(1));
                    List<?> list = items instanceof List<?> l ? l : List.of(String.valueOf(items).split(",", -1));
                    return String.join((String) a.get(0), list.stream().map(String::valueOf).toList());
                }
                case "Fn::Split" : {
                    List<?> a = (List<?>) arg;
                    return List.of(String.valueOf(resolve(a.get(1))).split(Pattern.quote((String) a.get(0)), -1));
                }
                case "Fn::Select" : {
                    List<?> a = (List<?>) arg;
                    return ((List<?>) resolve(a.get(1))).get(Integer.parseInt(String.valueOf(a.get(0))));
                }
                case "Fn::ImportValue" :
                    return shared.export(String.valueOf(resolve(arg)));
                default :
                    throw new UnsupportedOperationException(name + " is not evaluated here; add it");
            }
        }

        private boolean condition(String name) {
            Object c = map(template.get("Conditions")).get(name);
            if (c == null) {
                throw new IllegalArgumentException("no condition " + name);
            }
            return (Boolean) resolve(c);
        }

        private String sub(Object arg) {
            String text;
            Map<String, Object> vars = Map.of();
            if (arg instanceof List<?> a) {
                text = (String) a.get(0);
                vars = map(a.get(1));
            } else {
                text = (String) arg;
            }
            Matcher m = SUB.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                Object value;
                if (vars.containsKey(name)) {
                    value = resolve(vars.get(name));
                } else if (name.contains(".")) {
                    throw new UnsupportedOperationException("Fn::Sub of an attribute (" + name + ") is not evaluated");
                } else {
                    value = ref(name);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** The value of this stack's output exported under the name. */
        Object export(String exportName) {
            for (Object output : map(template.get("Outputs")).values()) {
                Map<String, Object> o = map(output);
                if (o.containsKey("Export") && exportName.equals(resolve(map(o.get("Export")).get("Name")))) {
                    return resolve(o.get("Value"));
                }
            }
            throw new IllegalArgumentException("the shared stack exports no " + exportName);
        }
    }

    private static String random(int length) {
        String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(letters.charAt(random.nextInt(letters.length())));
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** The template, with CloudFormation's short tags (!Ref, !Sub, ...) read as their long forms. */
    static Map<String, Object> read(Path template) throws IOException {
        try (Reader in = Files.newBufferedReader(template, StandardCharsets.UTF_8)) {
            return new Yaml(new ShortTags()).load(in);
        }
    }

    /** !Ref x becomes {Ref: x}, !Sub s becomes {Fn::Sub: s}, !GetAtt a.b becomes {Fn::GetAtt: [a, b]}. */
    private static final class ShortTags extends SafeConstructor {
        ShortTags() {
            super(new LoaderOptions());
            yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    String key = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
                    Object value;
                    if (node instanceof ScalarNode scalar) {
                        value = constructScalar(scalar);
                        if (tag.equals("GetAtt")) {
                            value = List.of(((String) value).split("\\.", 2));
                        }
                    } else if (node instanceof SequenceNode sequence) {
                        value = constructSequence(sequence);
                    } else {
                        value = constructMapping((MappingNode) node);
                    }
                    return Map.of(key, value);
                }
            });
        }
    }
}
