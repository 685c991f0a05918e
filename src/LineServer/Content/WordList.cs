namespace OrleansDist.LineServer.Content;

/// <summary>Plain English words the generated file is made of: readable lines make a broken client's output easy to eyeball.</summary>
internal static class WordList
{
    public static readonly string[] Words =
    [
        "able", "about", "above", "across", "after", "again", "against", "air", "almost", "along",
        "already", "also", "always", "among", "animal", "answer", "apple", "around", "autumn", "away",
        "back", "basket", "beach", "bear", "because", "before", "began", "behind", "below", "between",
        "bird", "black", "blue", "boat", "body", "book", "bottom", "bread", "bridge", "bright",
        "brother", "brown", "build", "busy", "cabin", "candle", "careful", "carry", "castle", "center",
        "chair", "change", "cheese", "children", "circle", "city", "clean", "clear", "close", "cloud",
        "cold", "color", "common", "copper", "corner", "country", "course", "cover", "crowd", "dance",
        "dark", "deep", "desert", "different", "distant", "door", "down", "dream", "during", "early",
        "earth", "east", "easy", "empty", "engine", "enough", "evening", "every", "eye", "face",
        "family", "farm", "fast", "feather", "field", "final", "fire", "first", "fish", "flower",
        "follow", "forest", "forward", "free", "fresh", "friend", "front", "garden", "gentle", "glass",
        "gold", "grass", "great", "green", "ground", "group", "grow", "half", "harbor", "heavy",
        "high", "hill", "hollow", "horse", "house", "island", "journey", "kettle", "kind", "king",
        "lake", "lamp", "large", "last", "later", "leaf", "letter", "light", "little", "long",
        "low", "map", "market", "meadow", "middle", "mirror", "moon", "morning", "mountain", "music",
        "narrow", "near", "never", "night", "north", "number", "ocean", "often", "old", "open",
        "orange", "other", "over", "paper", "path", "people", "piano", "place", "plain", "planet",
        "pocket", "quiet", "rabbit", "rain", "river", "road", "rock", "round", "salt", "sand",
        "school", "season", "second", "shadow", "ship", "short", "silver", "simple", "sister", "sky",
        "slow", "small", "snow", "soft", "song", "south", "spring", "square", "stone", "storm",
        "story", "street", "strong", "summer", "sun", "table", "tall", "thunder", "tiny", "tower",
        "town", "train", "tree", "under", "valley", "village", "voice", "walk", "warm", "water",
        "west", "wheel", "white", "wide", "wild", "wind", "window", "winter", "wood", "yellow",
    ];
}
