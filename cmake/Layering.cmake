# Layering at compile time. A target's links decide which libraries it may call, not which headers
# it can include: Debian installs protobuf, gRPC and SQLiteCpp in /usr/include, which the compiler
# searches for every target, and every project folder is reachable from the project-wide include
# root. So ptrack_forbid_includes(<target> <what>...) puts first on <target>'s own include path
# (PRIVATE: its sources, not its users') a directory of stand-ins, one for each header of each
# <what>, whose only content is an #error naming the rule: including one from the target's
# sources, directly or through another header, stops the compile. <what> is one of the packages
# protobuf, grpc and sqlite, or a project folder (service, engine, storage, scheduler). The
# generated protos need no stand-ins: their directory is on the include path of ptrack_proto's
# users only. The stand-ins are rewritten at every configure, so a header added to a folder later
# is covered from the next one.

set(PTRACK_LAYER_RULES "docs/ARCHITECTURE.md, Layers and targets")

# The directories the packages' headers are found in (without generator expressions).
set(_ptrack_package_roots ${Protobuf_INCLUDE_DIRS})
foreach(imported gRPC::grpc++ SQLiteCpp)
  get_target_property(dirs ${imported} INTERFACE_INCLUDE_DIRECTORIES)
  if(dirs)
    list(APPEND _ptrack_package_roots ${dirs})
  endif()
endforeach()
list(APPEND _ptrack_package_roots ${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES})
list(FILTER _ptrack_package_roots EXCLUDE REGEX "\\$<")
list(TRANSFORM _ptrack_package_roots REPLACE "/+$" "")
list(REMOVE_DUPLICATES _ptrack_package_roots)

# Header paths (relative to a root) that make up each package.
set(_ptrack_package_protobuf google/protobuf)
set(_ptrack_package_grpc grpc grpcpp grpc++)
set(_ptrack_package_sqlite SQLiteCpp sqlite3.h sqlite3ext.h)

function(ptrack_forbid_includes target)
  set(dir "${CMAKE_BINARY_DIR}/forbidden_includes/${target}")
  file(REMOVE_RECURSE "${dir}")
  foreach(what IN LISTS ARGN)
    if(DEFINED _ptrack_package_${what})
      set(roots ${_ptrack_package_roots})
      set(paths ${_ptrack_package_${what}})
      set(pattern "*")
    elseif(IS_DIRECTORY "${PROJECT_SOURCE_DIR}/${what}")
      set(roots "${PROJECT_SOURCE_DIR}")
      set(paths ${what})
      set(pattern "*.h")
    else()
      message(FATAL_ERROR "ptrack_forbid_includes: '${what}' is neither a known package nor a "
                          "project folder")
    endif()
    set(count 0)
    foreach(root IN LISTS roots)
      foreach(path IN LISTS paths)
        if(IS_DIRECTORY "${root}/${path}")
          file(GLOB_RECURSE headers LIST_DIRECTORIES false RELATIVE "${root}"
               "${root}/${path}/${pattern}")
        elseif(EXISTS "${root}/${path}")
          set(headers ${path})
        else()
          set(headers "")
        endif()
        foreach(header IN LISTS headers)
          file(WRITE "${dir}/${header}"
               "#error \"${target} must not include ${header} (${what}): ${PTRACK_LAYER_RULES}\"\n")
          math(EXPR count "${count} + 1")
        endforeach()
      endforeach()
    endforeach()
    if(count EQUAL 0)
      message(FATAL_ERROR "ptrack_forbid_includes(${target}): no headers found for '${what}'")
    endif()
  endforeach()
  target_include_directories(${target} BEFORE PRIVATE "${dir}")
endfunction()
