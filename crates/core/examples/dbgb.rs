fn main() {
    let p = std::env::args().nth(1).unwrap();
    let b = std::fs::read(p).unwrap();
    let (h, body) = mailtriage::bounce::mime::split_head(&b);
    let hd = mailtriage::bounce::mime::parse_header(h);
    println!("ct={:?}", hd.content_type());
    let w = mailtriage::bounce::mime::walk(&hd, body);
    for l in &w.leaves {
        println!(
            "LEAF {} orig={} len={} :: {:?}",
            l.mime,
            l.original,
            l.text.len(),
            &l.text.chars().take(150).collect::<String>()
        );
    }
}
