package dqn.env.games;

import dqn.env.ale.AleEmulator;
import dqn.env.ale.Game;
import dqn.env.preprocess.AtariPreprocessor;
import dqn.env.preprocess.GameEnv;
import dqn.env.preprocess.PreprocessOptions;
import dqn.runspec.Suggestions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The games sessions can play: every ROM of a ROM folder that ALE supports, under its ALE name,
 * and the built-in games ({@link CatchGame}), with their action sets; and how to start each.
 *
 * <p>The scan only checks each ROM's MD5 (fast); a ROM's action sets are read on first use,
 * because ALE needs about 130 ms to load a ROM (104 ROMs: some 15 s of CPU). {@link #games()}
 * reads the missing ones in parallel; {@link #warmUp()} does it ahead of time.
 */
public final class GameCatalogue {

  private static final Logger LOG = Logger.getLogger(GameCatalogue.class);

  private static final Map<String, Game> BUILT_IN = Map.of(CatchGame.GAME.name(), CatchGame.GAME);

  private final Map<String, Path> roms;
  // Every game's name, sorted: the ROMs' and the built-in ones.
  private final List<String> names;
  // ROMs whose action sets have been read.
  private final Map<String, Game> games = new ConcurrentHashMap<>();

  private GameCatalogue(Map<String, Path> roms) {
    this.roms = roms;
    TreeSet<String> all = new TreeSet<>(roms.keySet());
    all.addAll(BUILT_IN.keySet());
    this.names = List.copyOf(all);
  }

  /**
   * Lists the folder's {@code *.bin} files that ALE supports, next to the built-in games; ALE
   * must be loaded.
   */
  public static GameCatalogue scan(Path romDirectory) {
    Map<String, Path> roms = new TreeMap<>();
    List<String> unsupported = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(romDirectory, "*.bin")) {
      for (Path rom : files) {
        String name = rom.getFileName().toString().replaceFirst("\\.bin$", "");
        if (BUILT_IN.containsKey(name)) {
          LOG.warnf("ROM %s left out: %s is the name of a built-in game", rom, name);
        } else if (AleEmulator.supportsRom(rom)) {
          roms.put(name, rom.toAbsolutePath());
        } else {
          unsupported.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list ROMs in " + romDirectory, e);
    }
    if (!unsupported.isEmpty()) {
      // The wheel ships a few two-player-only ROMs that single-agent ALE cannot run.
      LOG.infof("ROMs ALE cannot emulate, left out: %s", unsupported);
    }
    return new GameCatalogue(roms);
  }

  /** Names of all games, ROMs and built-in, sorted. */
  public List<String> names() {
    return names;
  }

  /** Number of games, ROMs and built-in. */
  public int size() {
    return names.size();
  }

  /** Number of games that are ROMs. */
  public int romCount() {
    return roms.size();
  }

  public boolean contains(String name) {
    return roms.containsKey(name) || BUILT_IN.containsKey(name);
  }

  /** The game with its action sets (a ROM's read from ALE on first use). */
  public Optional<Game> find(String name) {
    Path rom = roms.get(name);
    if (rom == null) {
      return Optional.ofNullable(BUILT_IN.get(name));
    }
    return Optional.of(games.computeIfAbsent(name, key -> readActionSets(key, rom)));
  }

  /** All games, sorted by name. */
  public List<Game> games() {
    // The parallel stream keeps the names' order.
    return names.parallelStream().map(name -> find(name).orElseThrow()).toList();
  }

  /** Reads every ROM's action sets now, so that the first {@link #games()} answers at once. */
  public void warmUp() {
    long start = System.nanoTime();
    games();
    LOG.infof("game catalogue: %d games ready in %.1f s", size(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * Starts a session's game and its first episode, as a reset with {@code seed} does: a ROM in
   * its own ALE emulator with the standard preprocessing, a built-in game in plain Java.
   *
   * @param game a game of this catalogue
   */
  public GameEnv open(Game game, PreprocessOptions options, long seed) {
    if (game.equals(CatchGame.GAME)) {
      return CatchGame.open(options, seed);
    }
    Path rom = roms.get(game.name());
    if (rom == null) {
      throw new IllegalArgumentException("no game '" + game.name() + "' in this catalogue");
    }
    return AtariPreprocessor.open(game, rom, options, seed);
  }

  /** The known game names closest to {@code name}, best first (the project's one rule). */
  public List<String> closest(String name, int count) {
    return Suggestions.closest(name, names, count);
  }

  private static Game readActionSets(String name, Path rom) {
    try (AleEmulator ale = AleEmulator.open()) {
      ale.loadRom(rom);
      return new Game(name, ale.minimalActionSet(), ale.legalActionSet());
    }
  }
}
