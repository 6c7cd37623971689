package dev.mooring.settings;

import dev.mooring.model.ModelCatalogs;
import dev.mooring.model.ModelCatalogs.ModelListing;
import dev.mooring.model.ModelInfo;
import dev.mooring.model.ModelSetup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What each provider uses: the saved parts over the environment's ({@code CHAT_MODEL_*}, when it names that
 * provider) or the provider's defaults; how the panel is shown them, and the models they reach.
 */
record ModelSetups(ModelSetup environment, SavedModelSettings saved) {

    /** How long a provider may take to list its models. */
    static final Duration LIST_TIMEOUT = Duration.ofSeconds(5);
    private static final int KEY_END_SHOWN = 4;
    private static final int KEY_END_SHOWN_FROM = 12;

    ModelSetup of(String provider) {
        return saved.profile(provider).over(fallback(provider));
    }

    /** What a provider uses when nothing is saved for it. */
    ModelSetup fallback(String provider) {
        return provider.equals(environment.provider()) ? environment : new ModelSetup(provider, null, null, null);
    }

    /** The model in use: the saved provider's, else the environment's. */
    ModelSetup inUse() {
        return saved.present() ? of(saved.provider()) : environment;
    }

    /** Whether someone set this provider up (saved, or the environment's); others are only tried. */
    boolean configured(String provider) {
        return saved.profiles().containsKey(provider) || provider.equals(environment.provider());
    }

    List<ModelSettingsViews.Provider> views() {
        List<ModelSettingsViews.Provider> views = new ArrayList<>();
        for (String provider : ModelSetup.PROVIDERS) {
            ModelSetup setup = of(provider);
            String key = setup.apiKey();
            String from = key == null ? null : saved.profile(provider).apiKey() != null ? "settings" : "environment";
            String end = key != null && key.length() >= KEY_END_SHOWN_FROM
                    ? key.substring(key.length() - KEY_END_SHOWN) : null;
            views.add(new ModelSettingsViews.Provider(provider, setup.effectiveName(), setup.effectiveBaseUrl(),
                    setup.demo(), key != null, end, from));
        }
        return views;
    }

    /**
     * Every model reachable: the demo model, and each provider that has what it needs, asked at once. A provider
     * nobody configured (Ollama at its default address) adds its models when it answers, and no problem otherwise.
     */
    ModelSettingsViews.Models models(ModelInfo inUse, Executor executor) {
        List<CompletableFuture<ModelListing>> listings = new ArrayList<>();
        for (String provider : ModelSetup.PROVIDERS) {
            ModelSetup setup = of(provider);
            if (setup.complete()) {
                listings.add(CompletableFuture.supplyAsync(() -> ModelCatalogs.list(setup, LIST_TIMEOUT), executor));
            }
        }
        List<ModelSettingsViews.Option> options = new ArrayList<>();
        List<ModelSettingsViews.Problem> problems = new ArrayList<>();
        for (CompletableFuture<ModelListing> future : listings) {
            ModelListing listing = future.join();
            if (!listing.ok() && configured(listing.provider())) {
                problems.add(new ModelSettingsViews.Problem(listing.provider(), listing.problem()));
            }
            for (String name : listing.models()) {
                options.add(new ModelSettingsViews.Option(listing.provider(), name,
                        ModelSetup.DEMO.equals(listing.provider()),
                        inUse.provider().equals(listing.provider()) && inUse.name().equals(name)));
            }
        }
        return new ModelSettingsViews.Models(options, problems);
    }
}
