//! clap's usage errors (an unknown option, a missing value, an invalid value, an unknown
//! command, a missing required option …) in the run's language.
//!
//! clap reports them while parsing, before `--lang` has a value, so the language is found by
//! looking at the raw arguments for `--lang zh` / `--lang=zh` ([`lang_in_args`]). A scenario's
//! `[report] lang` cannot apply here: its path is itself one of the arguments being parsed; a
//! usage error of `plan --config s.toml` is in English unless `--lang zh` is given as well.
//! Under `zh` the error is one line, `错误：…`, with clap's facts (the option, the value, the
//! accepted values, clap's suggestion) and a hint to run `… --help`; exit code 2 as in English.
//! `--help` is printed as clap renders it: in Chinese under zh, the command having been given
//! its Chinese texts first (`cli::help_zh`).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use lifecircle::lang::{Lang, zh_message};

/// The language asked for on the command line (`--lang zh`, `--lang=zh`), before clap parses
/// it; English otherwise (including an invalid `--lang`).
pub fn lang_in_args(args: &[String]) -> Lang {
    let mut lang = Lang::En;
    let mut after_flag = false;
    for arg in args {
        if arg == "--" {
            break;
        }
        if after_flag {
            lang = if arg == "zh" { Lang::Zh } else { Lang::En };
        } else if let Some(code) = arg.strip_prefix("--lang=") {
            lang = if code == "zh" { Lang::Zh } else { Lang::En };
        }
        after_flag = arg == "--lang";
    }
    lang
}

/// Prints clap's error (or help, or version) in `lang` and returns the exit code: 2 for a
/// usage error, 0 for `--help` / `--version`. `args` are the raw arguments (for the command
/// named in the hint).
pub fn report(e: &clap::Error, args: &[String]) -> u8 {
    let lang = lang_in_args(args);
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    if lang == Lang::En || !e.use_stderr() {
        // Help and version to stdout, English errors as clap writes them.
        let _ = e.print();
        return code;
    }
    eprintln!("错误：{}", zh_text(e, &command_path(e, args)));
    code
}

/// A context value as plain text (lists joined by `、`).
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::None => None,
        _ => None,
    }
}

/// The command the error is about (`lifecircle coverage`): clap's usage line when it has
/// one, else the first command name among `args`.
fn command_path(e: &clap::Error, args: &[String]) -> String {
    let usage = context(e, ContextKind::Usage).unwrap_or_default();
    let usage = usage.trim();
    let usage = usage.strip_prefix("Usage:").unwrap_or(usage);
    let words: Vec<&str> = usage
        .split_whitespace()
        .take_while(|w| {
            w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
                && !w.starts_with('-')
        })
        .collect();
    if words.len() > 1 {
        return words.join(" ");
    }
    let cli = <super::args::Cli as clap::CommandFactory>::command();
    let sub = args
        .iter()
        .skip(1)
        .find(|a| cli.find_subcommand(a.as_str()).is_some());
    match sub {
        Some(sub) => format!("lifecircle {sub}"),
        None => "lifecircle".into(),
    }
}

/// The error in Chinese: what is wrong, clap's suggestion, and where to read more.
pub fn zh_text(e: &clap::Error, command: &str) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let sub = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
    let mut text = match e.kind() {
        ErrorKind::UnknownArgument => format!("未知参数“{arg}”"),
        ErrorKind::InvalidSubcommand => format!("未知命令“{sub}”"),
        ErrorKind::InvalidValue if value.is_empty() => format!("参数“{arg}”缺少取值"),
        ErrorKind::InvalidValue => format!("参数“{arg}”的取值“{value}”无效"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map(|s| zh_message(&s.to_string()));
            match why {
                Some(why) => format!("参数“{arg}”的取值“{value}”无效：{why}"),
                None => format!("参数“{arg}”的取值“{value}”无效"),
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::ArgumentConflict => {
            let prior = context(e, ContextKind::PriorArg).unwrap_or_default();
            if prior.is_empty() || prior == arg {
                format!("参数“{arg}”只能给出一次，或不能与其他参数同时使用")
            } else {
                format!("参数“{arg}”不能与“{prior}”同时使用")
            }
        }
        ErrorKind::TooManyValues => format!("参数“{arg}”多出了取值“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数“{arg}”的取值个数不对")
        }
        ErrorKind::NoEquals => format!("参数“{arg}”须用等号赋值（{arg}=…）"),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    if let Some(valid) = context(e, ContextKind::ValidValue).filter(|v| !v.is_empty()) {
        text.push_str(&format!("；可选值：{valid}"));
    }
    if e.kind() == ErrorKind::MissingSubcommand
        && let Some(valid) = context(e, ContextKind::ValidSubcommand)
    {
        text.push_str(&format!("；可用命令：{valid}"));
    }
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        if let Some(suggested) = context(e, kind).filter(|v| !v.is_empty()) {
            text.push_str(&format!("，是否想用“{suggested}”？"));
        }
    }
    if !text.ends_with('？') {
        text.push('。');
    }
    text.push_str(&format!("运行 {command} --help 查看用法与全部参数"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_is_found_before_parsing() {
        let lang_in_args = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            super::lang_in_args(&args)
        };
        assert_eq!(
            lang_in_args(&["lifecircle", "--lang", "zh", "plan"]),
            Lang::Zh
        );
        assert_eq!(lang_in_args(&["lifecircle", "plan", "--lang=zh"]), Lang::Zh);
        assert_eq!(
            lang_in_args(&["lifecircle", "plan", "--lang", "en"]),
            Lang::En
        );
        assert_eq!(lang_in_args(&["lifecircle", "plan", "--lang"]), Lang::En);
        assert_eq!(lang_in_args(&["lifecircle", "--", "--lang=zh"]), Lang::En);
        // The last one given wins, as clap takes it.
        assert_eq!(lang_in_args(&["x", "--lang=zh", "--lang", "en"]), Lang::En);
    }
}
