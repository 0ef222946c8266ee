// JNI bridge from dqn.env.ale.AleNative to ALE's C++ API.
//
// ALE's C++ library is the one linked into the official ale-py wheel (_ale_py.*.so), which exports
// ALEInterface with default visibility. This bridge does not link against it at build time: the
// wheel's folder is a run-time setting, so loadAle() dlopen()s libpython (whose symbols the
// extension needs to load, although no Python code ever runs) and the extension, and resolves
// each method by its mangled name. A missing library or symbol is reported as a message, not as
// an UnsatisfiedLinkError.
//
// Every JNI function runs inside GUARD_BEGIN/GUARD_END: C++ exceptions and bad handles become a
// dqn.env.ale.AleException carrying the message. Handles are checked against a registry of live
// emulators, so a stale or forged handle is an exception, not a crash.
#include <jni.h>
#include <dlfcn.h>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "dqn_env_ale_AleNative.h"

namespace {

// Itanium C++ ABI: a non-virtual member function is called like a free function whose first
// argument is `this` (after the hidden return slot for class-type results such as std::vector).
using CtorFn = void (*)(void*);
using DtorFn = void (*)(void*);
using SetIntFn = void (*)(void*, const std::string&, int);
using SetFloatFn = void (*)(void*, const std::string&, float);
using SetBoolFn = void (*)(void*, const std::string&, bool);
using LoadRomFn = void (*)(void*, std::filesystem::path);
using ActFn = int (*)(void*, int, float);
using GameOverFn = bool (*)(const void*, bool);
using ResetGameFn = void (*)(void*);
using LivesFn = int (*)(void*);
using ActionSetFn = std::vector<int> (*)(const void*);  // std::vector<ale::Action>, a 4-byte enum
using ScreenFn = void (*)(const void*, std::vector<unsigned char>&);
using FrameNumberFn = int (*)(const void*);
using SetLoggerModeFn = void (*)(int);
using IsSupportedRomFn = std::optional<std::string> (*)(const std::filesystem::path&);  // static

struct AleApi {
  CtorFn construct;
  DtorFn destroy;
  SetIntFn setInt;
  SetFloatFn setFloat;
  SetBoolFn setBool;
  LoadRomFn loadRom;
  ActFn act;
  GameOverFn gameOver;
  ResetGameFn resetGame;
  LivesFn lives;
  ActionSetFn minimalActionSet;
  ActionSetFn legalActionSet;
  ScreenFn screenGrayscale;
  ScreenFn screenRgb;
  FrameNumberFn episodeFrameNumber;
  FrameNumberFn frameNumber;
  IsSupportedRomFn isSupportedRom;
};

AleApi api;
bool apiLoaded = false;
std::mutex loadMutex;

constexpr int kScreenHeight = 210;
constexpr int kScreenWidth = 160;
constexpr size_t kScreenPixels = kScreenHeight * kScreenWidth;
// sizeof(ale::ALEInterface) is 40 on x86-64 (four unique_ptrs and an int); room to spare.
constexpr size_t kInterfaceStorage = 256;

struct Emulator {
  alignas(16) unsigned char interface[kInterfaceStorage];
  std::vector<unsigned char> gray = std::vector<unsigned char>(kScreenPixels);
  std::vector<unsigned char> rgb = std::vector<unsigned char>(kScreenPixels * 3);
  // ALEInterface dereferences its environment without a check until a ROM is loaded.
  bool romLoaded = false;
};

std::shared_mutex registryMutex;
std::unordered_set<Emulator*> registry;

struct AleError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void throwJava(JNIEnv* env, const char* message) {
  if (env->ExceptionCheck()) {
    return;
  }
  jclass type = env->FindClass("dqn/env/ale/AleException");
  if (type != nullptr) {
    env->ThrowNew(type, message);
  }
}

Emulator* checked(jlong handle) {
  auto* emulator = reinterpret_cast<Emulator*>(handle);
  std::shared_lock<std::shared_mutex> lock(registryMutex);
  if (emulator == nullptr || registry.count(emulator) == 0) {
    throw AleError("no live ALE emulator has this handle (closed or never opened)");
  }
  return emulator;
}

// The emulator of a handle, with a game loaded.
Emulator* playing(jlong handle) {
  Emulator* emulator = checked(handle);
  if (!emulator->romLoaded) {
    throw AleError("no ROM loaded in this ALE emulator");
  }
  return emulator;
}

void requireLoaded() {
  if (!apiLoaded) {
    throw AleError("ALE library not loaded: call NativeLoader.load first");
  }
}

std::string utf(JNIEnv* env, jstring text) {
  if (text == nullptr) {
    throw AleError("null string");
  }
  const char* chars = env->GetStringUTFChars(text, nullptr);
  if (chars == nullptr) {
    throw AleError("out of memory reading a string");
  }
  std::string copy(chars);
  env->ReleaseStringUTFChars(text, chars);
  return copy;
}

template <typename Fn>
void resolve(void* library, const char* symbol, Fn& target, const std::string& libraryPath) {
  void* address = dlsym(library, symbol);
  if (address == nullptr) {
    throw AleError("ALE library " + libraryPath + " lacks " + symbol +
                   " (this bridge is written for ale-py 0.12)");
  }
  target = reinterpret_cast<Fn>(address);
}

jintArray toJava(JNIEnv* env, const std::vector<int>& values) {
  jintArray array = env->NewIntArray(static_cast<jsize>(values.size()));
  if (array == nullptr) {
    throw AleError("out of memory");
  }
  env->SetIntArrayRegion(array, 0, static_cast<jsize>(values.size()), values.data());
  return array;
}

void copyOut(JNIEnv* env, const std::vector<unsigned char>& source, jbyteArray target) {
  if (target == nullptr) {
    throw AleError("null screen buffer");
  }
  jsize length = env->GetArrayLength(target);
  if (static_cast<size_t>(length) != source.size()) {
    throw AleError("screen buffer holds " + std::to_string(length) + " bytes, the screen " +
                   std::to_string(source.size()));
  }
  env->SetByteArrayRegion(target, 0, length, reinterpret_cast<const jbyte*>(source.data()));
}

}  // namespace

#define GUARD_BEGIN try {
#define GUARD_END(result)                              \
  }                                                    \
  catch (const std::exception& e) {                    \
    throwJava(env, e.what());                          \
    return result;                                     \
  }                                                    \
  catch (...) {                                        \
    throwJava(env, "unknown C++ exception from ALE");  \
    return result;                                     \
  }

extern "C" {

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_loadAle(JNIEnv* env, jclass, jstring pythonLibrary,
                                                          jstring aleLibrary) {
  GUARD_BEGIN
  std::lock_guard<std::mutex> lock(loadMutex);
  if (apiLoaded) {
    return;
  }
  std::string python = utf(env, pythonLibrary);
  std::string ale = utf(env, aleLibrary);
  // RTLD_GLOBAL: the extension's undefined Python symbols resolve against libpython.
  if (dlopen(python.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {
    throw AleError("cannot load " + python + " (the ALE extension needs libpython 3.11; install "
                   "the libpython3.11 package or set dqn.env.python-library): " + dlerror());
  }
  void* library = dlopen(ale.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    throw AleError("cannot load the ALE library " + ale + ": " + dlerror());
  }
  AleApi loaded{};
  resolve(library, "_ZN3ale12ALEInterfaceC1Ev", loaded.construct, ale);
  resolve(library, "_ZN3ale12ALEInterfaceD1Ev", loaded.destroy, ale);
  resolve(library, "_ZN3ale12ALEInterface6setIntERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEi",
          loaded.setInt, ale);
  resolve(library, "_ZN3ale12ALEInterface8setFloatERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEf",
          loaded.setFloat, ale);
  resolve(library, "_ZN3ale12ALEInterface7setBoolERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEb",
          loaded.setBool, ale);
  resolve(library, "_ZN3ale12ALEInterface7loadROMENSt10filesystem7__cxx114pathE", loaded.loadRom, ale);
  resolve(library, "_ZN3ale12ALEInterface3actENS_6ActionEf", loaded.act, ale);
  resolve(library, "_ZNK3ale12ALEInterface9game_overEb", loaded.gameOver, ale);
  resolve(library, "_ZN3ale12ALEInterface10reset_gameEv", loaded.resetGame, ale);
  resolve(library, "_ZN3ale12ALEInterface5livesEv", loaded.lives, ale);
  resolve(library, "_ZNK3ale12ALEInterface19getMinimalActionSetEv", loaded.minimalActionSet, ale);
  resolve(library, "_ZNK3ale12ALEInterface17getLegalActionSetEv", loaded.legalActionSet, ale);
  resolve(library, "_ZNK3ale12ALEInterface18getScreenGrayscaleERSt6vectorIhSaIhEE", loaded.screenGrayscale,
          ale);
  resolve(library, "_ZNK3ale12ALEInterface12getScreenRGBERSt6vectorIhSaIhEE", loaded.screenRgb, ale);
  resolve(library, "_ZNK3ale12ALEInterface21getEpisodeFrameNumberEv", loaded.episodeFrameNumber, ale);
  resolve(library, "_ZNK3ale12ALEInterface14getFrameNumberEv", loaded.frameNumber, ale);
  resolve(library, "_ZN3ale12ALEInterface14isSupportedROMERKNSt10filesystem7__cxx114pathE",
          loaded.isSupportedRom, ale);
  SetLoggerModeFn setLoggerMode;
  resolve(library, "_ZN3ale6Logger7setModeENS0_4modeE", setLoggerMode, ale);
  setLoggerMode(2);  // ale::Logger::Error: no banner or per-ROM chatter on stdout
  api = loaded;
  apiLoaded = true;
  GUARD_END()
}

JNIEXPORT jlong JNICALL Java_dqn_env_ale_AleNative_create(JNIEnv* env, jclass) {
  GUARD_BEGIN
  requireLoaded();
  auto* emulator = new Emulator();
  try {
    api.construct(emulator->interface);
  } catch (...) {
    delete emulator;
    throw;
  }
  std::unique_lock<std::shared_mutex> lock(registryMutex);
  registry.insert(emulator);
  return reinterpret_cast<jlong>(emulator);
  GUARD_END(0)
}

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_destroy(JNIEnv* env, jclass, jlong handle) {
  GUARD_BEGIN
  Emulator* emulator = checked(handle);
  {
    std::unique_lock<std::shared_mutex> lock(registryMutex);
    registry.erase(emulator);
  }
  api.destroy(emulator->interface);
  delete emulator;
  GUARD_END()
}

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_setInt(JNIEnv* env, jclass, jlong handle, jstring key,
                                                         jint value) {
  GUARD_BEGIN
  api.setInt(checked(handle)->interface, utf(env, key), value);
  GUARD_END()
}

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_setFloat(JNIEnv* env, jclass, jlong handle, jstring key,
                                                           jfloat value) {
  GUARD_BEGIN
  api.setFloat(checked(handle)->interface, utf(env, key), value);
  GUARD_END()
}

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_setBool(JNIEnv* env, jclass, jlong handle, jstring key,
                                                          jboolean value) {
  GUARD_BEGIN
  api.setBool(checked(handle)->interface, utf(env, key), value == JNI_TRUE);
  GUARD_END()
}

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_loadRom(JNIEnv* env, jclass, jlong handle, jstring path) {
  GUARD_BEGIN
  Emulator* emulator = checked(handle);
  std::filesystem::path rom(utf(env, path));
  if (!std::filesystem::is_regular_file(rom)) {
    throw AleError("no ROM file at " + rom.string());
  }
  // ALE's loadROM calls std::exit(1) for a file it cannot emulate; only ROMs whose MD5 ALE
  // knows get that far.
  if (!api.isSupportedRom(rom).has_value()) {
    throw AleError("ALE does not support the ROM " + rom.string() +
                   " (its MD5 matches no game ALE knows)");
  }
  api.loadRom(emulator->interface, rom);
  emulator->romLoaded = true;
  GUARD_END()
}

JNIEXPORT jstring JNICALL Java_dqn_env_ale_AleNative_supportedRom(JNIEnv* env, jclass, jstring path) {
  GUARD_BEGIN
  requireLoaded();
  std::filesystem::path rom(utf(env, path));
  if (!std::filesystem::is_regular_file(rom)) {
    throw AleError("no ROM file at " + rom.string());
  }
  std::optional<std::string> name = api.isSupportedRom(rom);
  return name.has_value() ? env->NewStringUTF(name->c_str()) : nullptr;
  GUARD_END(nullptr)
}

JNIEXPORT jint JNICALL Java_dqn_env_ale_AleNative_act(JNIEnv* env, jclass, jlong handle, jint action) {
  GUARD_BEGIN
  if (action < 0 || action > 17) {
    throw AleError("ALE action " + std::to_string(action) + " is outside 0..17");
  }
  return api.act(playing(handle)->interface, action, 1.0f);
  GUARD_END(0)
}

JNIEXPORT jboolean JNICALL Java_dqn_env_ale_AleNative_gameOver(JNIEnv* env, jclass, jlong handle) {
  GUARD_BEGIN
  return api.gameOver(playing(handle)->interface, false) ? JNI_TRUE : JNI_FALSE;
  GUARD_END(JNI_FALSE)
}

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_resetGame(JNIEnv* env, jclass, jlong handle) {
  GUARD_BEGIN
  api.resetGame(playing(handle)->interface);
  GUARD_END()
}

JNIEXPORT jint JNICALL Java_dqn_env_ale_AleNative_lives(JNIEnv* env, jclass, jlong handle) {
  GUARD_BEGIN
  return api.lives(playing(handle)->interface);
  GUARD_END(0)
}

JNIEXPORT jintArray JNICALL Java_dqn_env_ale_AleNative_minimalActionSet(JNIEnv* env, jclass, jlong handle) {
  GUARD_BEGIN
  return toJava(env, api.minimalActionSet(playing(handle)->interface));
  GUARD_END(nullptr)
}

JNIEXPORT jintArray JNICALL Java_dqn_env_ale_AleNative_legalActionSet(JNIEnv* env, jclass, jlong handle) {
  GUARD_BEGIN
  return toJava(env, api.legalActionSet(playing(handle)->interface));
  GUARD_END(nullptr)
}

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_screenGrayscale(JNIEnv* env, jclass, jlong handle,
                                                                  jbyteArray target) {
  GUARD_BEGIN
  Emulator* emulator = playing(handle);
  api.screenGrayscale(emulator->interface, emulator->gray);
  copyOut(env, emulator->gray, target);
  GUARD_END()
}

JNIEXPORT void JNICALL Java_dqn_env_ale_AleNative_screenRgb(JNIEnv* env, jclass, jlong handle,
                                                            jbyteArray target) {
  GUARD_BEGIN
  Emulator* emulator = playing(handle);
  api.screenRgb(emulator->interface, emulator->rgb);
  copyOut(env, emulator->rgb, target);
  GUARD_END()
}

JNIEXPORT jint JNICALL Java_dqn_env_ale_AleNative_episodeFrameNumber(JNIEnv* env, jclass, jlong handle) {
  GUARD_BEGIN
  return api.episodeFrameNumber(playing(handle)->interface);
  GUARD_END(0)
}

JNIEXPORT jint JNICALL Java_dqn_env_ale_AleNative_frameNumber(JNIEnv* env, jclass, jlong handle) {
  GUARD_BEGIN
  return api.frameNumber(playing(handle)->interface);
  GUARD_END(0)
}

}  // extern "C"
